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
public record Interconnect(String link, double bytesPerSPerDirection, double latencyS, double interNodeBytesPerSPerDirection, String source) {

    /** The catalog's entry for this device (kind {@code device}): what tensor parallel is estimated over; empty for a device it does not name. */
    public static Optional<Interconnect> lookup(String deviceName) {
        return find(deviceName, false);
    }

    /**
     * The device's entry, or the catalog's default for a host or an unnamed GPU: for a reader that divides
     * by the figures (never 0), each labelled as the assumption it is.
     */
    public static Interconnect lookupOrDefault(String deviceName) {
        return find(deviceName, true).orElseThrow(() -> new IllegalStateException("interconnect.csv has no default row matching '" + deviceName + "'"));
    }

    private static Optional<Interconnect> find(String deviceName, boolean defaults) {
        for (CSVRecord r : CatalogCsv.read(Interconnect.class, "interconnect.csv")) {
            if (!defaults && r.get("kind").equals("default")) {
                continue;
            }
            if (Pattern.compile(r.get("device_pattern"), Pattern.CASE_INSENSITIVE).matcher(deviceName).find()) {
                return Optional.of(new Interconnect(r.get("link"), Double.parseDouble(r.get("gb_per_s_per_direction")) * 1e9,
                        Double.parseDouble(r.get("latency_us")) * 1e-6, Double.parseDouble(r.get("inter_node_gb_per_s_per_direction")) * 1e9,
                        r.get("source") + " (" + r.get("date") + ")"));
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
