package io.tokencost.estimate;

import io.tokencost.cost.CatalogCsv;
import org.apache.commons.csv.CSVRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An API's list price per 1M input and output tokens, for the break-even against self-hosting;
 * from {@code --api-price} or the {@code api_prices.csv} catalog (a quoted range: its two ends).
 */
public record ApiPrice(double usdPer1mInput, double usdPer1mOutput, String source) {

    public ApiPrice {
        if (!(usdPer1mInput > 0) || !(usdPer1mOutput > 0) || Double.isInfinite(usdPer1mInput) || Double.isInfinite(usdPer1mOutput)) {
            throw new IllegalArgumentException("API prices must be positive $ per 1M tokens, got " + usdPer1mInput + " / " + usdPer1mOutput);
        }
    }

    /** {@code IN,OUT} or one figure for both ($ per 1M tokens). */
    public static ApiPrice parse(String text) {
        String[] parts = text.split(",", -1);
        try {
            if (parts.length == 1) {
                double p = Double.parseDouble(parts[0].trim());
                return new ApiPrice(p, p, "user (--api-price)");
            }
            if (parts.length == 2) {
                return new ApiPrice(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()), "user (--api-price)");
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("--api-price takes $ per 1M tokens as IN,OUT or one number, got '" + text + "'");
    }

    /** The catalog's prices for a model name, one per provider listing it (empty when none does). */
    public static List<ApiPrice> catalog(String modelName) {
        List<ApiPrice> prices = new ArrayList<>();
        for (CSVRecord r : CatalogCsv.read(ApiPrice.class, "api_prices.csv")) {
            if (Pattern.compile(r.get("model_pattern"), Pattern.CASE_INSENSITIVE).matcher(modelName).find()) {
                prices.add(new ApiPrice(Double.parseDouble(r.get("usd_per_1m_input")), Double.parseDouble(r.get("usd_per_1m_output")),
                        "catalog: " + r.get("source") + " (" + r.get("date") + ")"));
            }
        }
        return prices;
    }

    /** One line naming the price and its source. */
    public String describe() {
        return String.format(Locale.ROOT, "API price $%.2f per 1M input, $%.2f per 1M output tokens (%s)", usdPer1mInput, usdPer1mOutput, source);
    }

    /** What a request of {@code prompt} input and {@code output} output tokens costs at this price. */
    public double usdPerRequest(int prompt, int output) {
        return (prompt * usdPer1mInput + output * usdPer1mOutput) / 1e6;
    }
}
