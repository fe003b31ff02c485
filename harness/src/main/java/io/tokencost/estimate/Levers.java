package io.tokencost.estimate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The cost levers a user asked for, each applied alone to a plain scenario so its effect shows as a
 * delta: prompt caching, speculative decoding, utilisation.
 */
public record Levers(Optional<Double> cachedFraction, Optional<Speculation> speculation, Optional<Double> utilisation) {

    public static final Levers NONE = new Levers(Optional.empty(), Optional.empty(), Optional.empty());

    /** A lever applied to a scenario, with the label it is shown under. */
    public record Variant(String label, Scenario scenario) {
    }

    public List<Variant> variants(Scenario plain) {
        List<Variant> out = new ArrayList<>();
        cachedFraction.ifPresent(f -> out.add(new Variant(String.format(Locale.ROOT, "prompt cache %.0f%%", 100 * f), plain.withCachedFraction(f))));
        speculation.ifPresent(s -> out.add(new Variant(String.format(Locale.ROOT, "speculative %s k=%d a=%.2f", s.draft().name(), s.draftTokens(),
                s.acceptance()), plain.withSpeculation(s))));
        utilisation.ifPresent(u -> out.add(new Variant(String.format(Locale.ROOT, "utilisation %.0f%%", 100 * u), plain.withUtilisation(u))));
        return out;
    }
}
