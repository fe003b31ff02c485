package io.tokencost.cost;

import org.apache.commons.csv.CSVRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Dated on-demand prices from the {@code prices.csv} resource: $ per GPU-hour by device name, and
 * $ per vCPU-hour for hosts, which a run costs at the hardware threads it used.
 */
public final class PriceCatalog {

    private record Entry(Pattern device, boolean perVcpu, double usdPerHour, String kind, String source, String date) {

        String describe() {
            return kind + " " + date + ": " + source;
        }
    }

    private final List<Entry> entries;

    private PriceCatalog(List<Entry> entries) {
        this.entries = entries;
    }

    public static PriceCatalog load() {
        List<Entry> entries = new ArrayList<>();
        for (CSVRecord r : CatalogCsv.read(PriceCatalog.class, "prices.csv")) {
            String per = r.get("per");
            if (!per.equals("device") && !per.equals("vcpu")) {
                throw new IllegalStateException("prices.csv line " + r.getRecordNumber() + ": per must be device or vcpu, got " + per);
            }
            entries.add(new Entry(Pattern.compile(r.get("device_pattern"), Pattern.CASE_INSENSITIVE), per.equals("vcpu"),
                    Double.parseDouble(r.get("usd_per_hour")), r.get("kind"), r.get("source"), r.get("date")));
        }
        return new PriceCatalog(entries);
    }

    /** A GPU's price: the first per-device entry whose pattern occurs in its name. */
    public Optional<Price> lookup(String deviceName) {
        return entries.stream().filter(e -> !e.perVcpu() && e.device().matcher(deviceName).find()).findFirst()
                .map(e -> new Price(e.usdPerHour(), e.describe()));
    }

    /**
     * The price of the hardware a run measured: a host ({@link Hardware#host()}) at the first
     * per-vCPU entry times the threads it used, labelled as such; a GPU as {@link #lookup(String)}.
     * Empty for a host whose rows do not say how many threads it used (runs before schema v4).
     */
    public Optional<Price> lookup(Hardware hardware) {
        if (!hardware.host()) {
            return lookup(hardware.name());
        }
        if (hardware.threads() <= 0) {
            return Optional.empty();
        }
        return entries.stream().filter(e -> e.perVcpu() && e.device().matcher(hardware.name()).find()).findFirst()
                .map(e -> new Price(e.usdPerHour() * hardware.threads(), String.format(Locale.ROOT, "%d vCPUs (the threads this run used) x $%.4f/vCPU-h, %s",
                        hardware.threads(), e.usdPerHour(), e.describe())));
    }
}
