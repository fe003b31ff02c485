package io.tokencost.measure.energy;

import io.tokencost.measure.SampleStats;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Energy per token from per-launch readings: the median joules per launch over the tokens a launch
 * yields; kWh per 1M tokens; with a grid intensity (g CO2e per kWh), grams of CO2e per 1M tokens.
 */
public record EnergyPerToken(double joulesPerToken, OptionalDouble gramsPerKwh) {

    /** Empty when there are no readings (the meter does not read here). */
    public static Optional<EnergyPerToken> of(List<Double> joulesPerLaunch, double tokensPerLaunch, OptionalDouble gramsPerKwh) {
        if (joulesPerLaunch.isEmpty() || !(tokensPerLaunch > 0)) {
            return Optional.empty();
        }
        double median = SampleStats.of(joulesPerLaunch.stream().mapToDouble(Double::doubleValue).toArray()).median();
        return Optional.of(new EnergyPerToken(median / tokensPerLaunch, gramsPerKwh));
    }

    /** kWh per 1M tokens: J/token x 1e6 / 3.6e6. */
    public double kwhPerMillionTokens() {
        return joulesPerToken * 1e6 / 3.6e6;
    }

    /** g CO2e per 1M tokens at the given grid intensity, NaN without one. */
    public double gramsCo2ePerMillionTokens() {
        return gramsPerKwh.isPresent() ? kwhPerMillionTokens() * gramsPerKwh.getAsDouble() : Double.NaN;
    }

    public String describe() {
        String co2 = gramsPerKwh.isPresent() ? String.format(Locale.ROOT, ", %.1f g CO2e per 1M tokens at %.0f g/kWh",
                gramsCo2ePerMillionTokens(), gramsPerKwh.getAsDouble()) : "";
        return String.format(Locale.ROOT, "%.4g J per token, %.4g kWh per 1M tokens%s", joulesPerToken, kwhPerMillionTokens(), co2);
    }
}
