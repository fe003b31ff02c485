package io.tokencost.cli;

import io.tokencost.cost.Hardware;
import io.tokencost.cost.Price;
import io.tokencost.cost.PriceCatalog;
import picocli.CommandLine.Option;

import java.util.Optional;

/** {@code --price-per-hour}: the hardware's price, else the price catalog's dated entry for it. */
final class PriceOption {

    @Option(names = "--price-per-hour", paramLabel = "USD", description = "Price in $/hour of the device (a host: of the whole machine) "
            + "(default: the price catalog's on-demand entry: per GPU, or per vCPU times the threads a host's run used).")
    Double pricePerHour;

    /** Rejects an absurd price before anything runs. */
    void check() {
        if (pricePerHour != null && !(pricePerHour > 0 && pricePerHour < 1e6)) {
            throw new IllegalArgumentException("--price-per-hour must be a positive number of dollars below 1000000, got " + pricePerHour);
        }
    }

    /** The price catalog, read once however many devices ask. */
    private PriceCatalog catalog;

    private PriceCatalog catalog() {
        if (catalog == null) {
            catalog = PriceCatalog.load();
        }
        return catalog;
    }

    /** For reports over several devices: the catalog's price, and the user's for a device the catalog lacks. */
    Optional<Price> fillIn(Hardware hardware) {
        Optional<Price> listed = catalog().lookup(hardware);
        return listed.isPresent() || pricePerHour == null ? listed : Optional.of(Price.userGiven(pricePerHour));
    }

    Optional<Price> resolve(Hardware hardware) {
        return pricePerHour != null ? Optional.of(Price.userGiven(pricePerHour)) : catalog().lookup(hardware);
    }

    /** The one line printed where there is no price: why, and how to give one. */
    static String missing(Hardware hardware) {
        if (hardware.host() && hardware.threads() <= 0) {
            return "no price: these rows do not say how many threads the host used (a run before schema v4): add --price-per-hour USD for the $ columns";
        }
        return "no price for '" + hardware.name() + "' in the catalog: add --price-per-hour USD for the $ columns";
    }
}
