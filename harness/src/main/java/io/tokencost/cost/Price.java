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
}
