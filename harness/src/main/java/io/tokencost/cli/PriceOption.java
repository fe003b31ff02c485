package io.tokencost.cli;

import io.tokencost.cost.Price;
import io.tokencost.cost.PriceCatalog;
import picocli.CommandLine.Option;

import java.util.Optional;

/** {@code --price-per-hour}: the device's price, else the price catalog's dated entry for it. */
final class PriceOption {

    @Option(names = "--price-per-hour", paramLabel = "USD", description = "Device price in $/hour (default: the price catalog's entry for the device).")
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
    Optional<Price> fillIn(String deviceName) {
        Optional<Price> listed = catalog().lookup(deviceName);
        return listed.isPresent() || pricePerHour == null ? listed : Optional.of(Price.userGiven(pricePerHour));
    }

    Optional<Price> resolve(String deviceName) {
        return pricePerHour != null ? Optional.of(Price.userGiven(pricePerHour)) : catalog().lookup(deviceName);
    }
}
