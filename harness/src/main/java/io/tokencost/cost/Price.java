package io.tokencost.cost;

/** A $/hour figure with where it came from; {@code source} is shown beside every $ number. */
public record Price(double usdPerHour, String source) {

    public Price {
        if (!(usdPerHour > 0) || Double.isInfinite(usdPerHour)) {
            throw new IllegalArgumentException("price per hour must be a positive number of dollars, got " + usdPerHour);
        }
    }

    public static Price userGiven(double usdPerHour) {
        return new Price(usdPerHour, "user (--price-per-hour)");
    }

    /** The hourly figure as printed beside it: cents at least, a host's fractions of a cent where they count ($3.49, $0.10, $0.1008). */
    public String perHour() {
        String text = String.format(java.util.Locale.ROOT, "%.4f", usdPerHour);
        while (text.endsWith("0") && text.indexOf('.') < text.length() - 3) {
            text = text.substring(0, text.length() - 1);
        }
        return "$" + text + "/h";
    }
}
