package io.tokencost.cost;

import org.apache.commons.csv.CSVRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Dated $/GPU-hour figures by device name, from the {@code prices.csv} resource. */
public final class PriceCatalog {

    private record Entry(Pattern device, double usdPerHour, String kind, String source, String date) {
    }

    private final List<Entry> entries;

    private PriceCatalog(List<Entry> entries) {
        this.entries = entries;
    }

    public static PriceCatalog load() {
        List<Entry> entries = new ArrayList<>();
        for (CSVRecord r : CatalogCsv.read(PriceCatalog.class, "prices.csv")) {
            entries.add(new Entry(Pattern.compile(r.get("device_pattern"), Pattern.CASE_INSENSITIVE),
                    Double.parseDouble(r.get("usd_per_hour")), r.get("kind"), r.get("source"), r.get("date")));
        }
        return new PriceCatalog(entries);
    }

    /** The first entry whose pattern occurs in the device name. */
    public Optional<Price> lookup(String deviceName) {
        for (Entry e : entries) {
            if (e.device().matcher(deviceName).find()) {
                return Optional.of(new Price(e.usdPerHour(), e.kind() + " " + e.date() + ": " + e.source()));
            }
        }
        return Optional.empty();
    }
}
