package io.tokencost.measure.energy;

import io.tokencost.measure.KernelSamples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnergyPerTokenTest {

    @Test
    void joulesPerTokenKwhAndEmissionsByHand() {
        // iterations drew 36, 40 and 44 J per launch; a launch is a decode step of 4 sequences: 10 J per token at the median
        EnergyPerToken e = EnergyPerToken.of(List.of(44.0, 36.0, 40.0), 4, OptionalDouble.of(400)).orElseThrow();
        assertEquals(10, e.joulesPerToken(), 1e-12);
        assertEquals(10e6 / 3.6e6, e.kwhPerMillionTokens(), 1e-12);      // 2.78 kWh per 1M tokens
        assertEquals(10e6 / 3.6e6 * 400, e.gramsCo2ePerMillionTokens(), 1e-9);
        assertEquals("10.00 J per token, 2.778 kWh per 1M tokens, 1111.1 g CO2e per 1M tokens at 400 g/kWh", e.describe());
        assertTrue(EnergyPerToken.of(List.of(), 4, OptionalDouble.empty()).isEmpty(), "no readings: not measured");
        assertTrue(Double.isNaN(EnergyPerToken.of(List.of(1.0), 1, OptionalDouble.empty()).orElseThrow().gramsCo2ePerMillionTokens()));
    }

    @Test
    void samplesCarryEnergyOnlyFromMeasuredIterations() {
        KernelSamples k = KernelSamples.get();
        k.reset();
        k.noteEnergyMeter("test meter");
        k.beginIteration(true);
        k.recordKernelSeconds(1e-3);
        k.recordEnergyJoulesPerLaunch(99);
        k.endIteration();
        k.beginIteration(false);
        k.recordKernelSeconds(1e-3);
        k.recordKernelSeconds(1e-3);
        assertEquals(2, k.iterationLaunches());
        k.recordEnergyJoulesPerLaunch(5);
        k.endIteration();
        java.nio.file.Path f = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "energy-samples-" + ProcessHandle.current().pid() + ".json");
        k.writeTo(f);
        KernelSamples.Raw raw = KernelSamples.readFrom(f);
        assertEquals(List.of(5.0), raw.energyJoulesPerLaunch(), "the warm-up iteration's reading is dropped");
        assertEquals("test meter", raw.energyMeter());
        assertEquals(List.of(5.0), raw.asJson().get("energy_j_per_launch"));
        k.reset();
    }
}
