package io.tokencost.measure.energy;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.kernels.CheckResult;
import io.tokencost.measure.KernelSamples;
import io.tokencost.measure.Workload;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunIdentity;
import io.tokencost.suite.BenchCase;
import io.tokencost.suite.CaseRows;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
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

    /** The CSV's energy columns (schema v2): median joules per launch, power, per token, with the meter named; empty without readings. */
    @Test
    void rowsCarryEnergyPowerAndJoulesPerToken() {
        DeviceProperties device = new DeviceProperties("cpu", 0, "test", "", "", "", 2, 1L << 34, 0, 1 << 28, Map.of());
        RunIdentity id = RunIdentity.create(device);
        CheckResult passed = new CheckResult("model", "decode_step", "fp16/all", 3, 1e-4, 1e-2, null);
        BenchCase step = new BenchCase("decode", "model/decode_step", "step", "fp16", "int4_g128", Map.of(Column.BATCH, 4L, Column.CONTEXT, 1024L),
                new Workload(1000, 0, 0), 1000, "cold", "b", Map.of());
        KernelSamples.Raw raw = new KernelSamples.Raw(List.of(0.5, 0.5, 0.5), List.of(), List.of(), List.of(44.0, 36.0, 40.0), "test meter");
        ResultRow row = CaseRows.of(id, step, raw, passed, 0, Double.NaN);
        assertEquals(40, row.number(Column.ENERGY_J), 1e-9);
        assertEquals(80, row.number(Column.POWER_W), 1e-9);       // 40 J over 0.5 s
        assertEquals(10, row.number(Column.J_PER_TOKEN), 1e-9);   // 4 output tokens per step
        assertEquals("test meter", row.get(Column.ENERGY_METER));
        BenchCase prefill = new BenchCase("prefill", "model/prefill", "prefill", "fp16", "int4_g128", Map.of(Column.BATCH, 1L, Column.SEQ_LEN, 128L),
                new Workload(1000, 0, 0), 1000, "cold", "b", Map.of());
        assertEquals(40.0 / 128, CaseRows.of(id, prefill, raw, passed, 0, Double.NaN).number(Column.J_PER_TOKEN), 1e-9, "per input token");
        KernelSamples.Raw unmetered = new KernelSamples.Raw(List.of(0.5), List.of(), List.of(), List.of(), "not measurable here: no powercap");
        ResultRow none = CaseRows.of(id, step, unmetered, passed, 0, Double.NaN);
        assertTrue(!none.has(Column.ENERGY_J) && !none.has(Column.J_PER_TOKEN) && !none.has(Column.ENERGY_METER));
    }
}
