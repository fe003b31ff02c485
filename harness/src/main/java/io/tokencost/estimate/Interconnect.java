package io.tokencost.estimate;

import io.tokencost.cost.CatalogCsv;
import org.apache.commons.csv.CSVRecord;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The link tensor-parallel devices all-reduce over, from the {@code interconnect.csv} catalog: its
 * figures are vendors' datasheet numbers and an assumed latency, labelled as assumptions wherever
 * they are used.
 */
public record Interconnect(String link, double bytesPerSPerDirection, double latencyS, String source) {

    /** The catalog entry whose pattern occurs in the device name. */
    public static Optional<Interconnect> lookup(String deviceName) {
        for (CSVRecord r : CatalogCsv.read(Interconnect.class, "interconnect.csv")) {
            if (Pattern.compile(r.get("device_pattern"), Pattern.CASE_INSENSITIVE).matcher(deviceName).find()) {
                return Optional.of(new Interconnect(r.get("link"), Double.parseDouble(r.get("gb_per_s_per_direction")) * 1e9,
                        Double.parseDouble(r.get("latency_us")) * 1e-6, r.get("source") + " (" + r.get("date") + ")"));
            }
        }
        return Optional.empty();
    }

    /** A ring all-reduce of {@code bytes} over {@code devices}: each link carries 2(N−1)/N of them. */
    public double allReduceSeconds(double bytes, int devices) {
        if (devices == 1) {
            return 0;
        }
        return latencyS + 2.0 * (devices - 1) / devices * bytes / bytesPerSPerDirection;
    }

    public String assumption() {
        return String.format(Locale.ROOT, "tensor parallel over %s at %.0f GB/s per direction, %.0f µs per all-reduce (ASSUMED: %s)",
                link, bytesPerSPerDirection / 1e9, latencyS * 1e6, source);
    }
}
