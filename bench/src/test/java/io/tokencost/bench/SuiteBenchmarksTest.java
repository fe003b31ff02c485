package io.tokencost.bench;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.suite.BenchCase;
import io.tokencost.suite.Profile;
import io.tokencost.suite.Suite;
import io.tokencost.suite.Suites;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suites (in the harness) name their benchmarks (here) by JMH's name, which the harness cannot
 * compile against: every case of every suite, planned for a host and for a GPU, names a benchmark
 * JMH compiled, and sets only the parameters that benchmark declares. A renamed class or @Param
 * fails here in seconds, not in a suite's run.
 */
class SuiteBenchmarksTest {

    private static final List<DeviceProperties> DEVICES = List.of(
            new DeviceProperties("cpu", 0, "AMD EPYC", "", "", "", 2, 24L << 30, 0, 32L << 20, Map.of()),
            new DeviceProperties("cuda", 0, "NVIDIA H100 80GB HBM3", "", "", "9.0", 132, 80L << 30, 3_350_000_000_000L, 50L << 20, Map.of()));

    @Test
    void everyCaseNamesACompiledBenchmarkAndItsDeclaredParameters() {
        Map<String, BenchmarkListEntry> compiled = new HashMap<>();
        for (BenchmarkListEntry e : compiled()) {
            compiled.put(e.getUsername(), e);
        }
        int cases = 0;
        for (Suite suite : Suites.all()) {
            for (DeviceProperties device : DEVICES) {
                for (Profile profile : Profile.values()) {
                    for (BenchCase c : suite.cases(profile, device, 0)) {
                        BenchmarkListEntry e = compiled.get(c.benchmark());
                        assertNotNull(e, suite.id() + " on " + device.backend() + ": " + c.label() + " names " + c.benchmark()
                                + ", which JMH did not compile (compiled: " + compiled.keySet() + ")");
                        Map<String, String[]> declared = e.getParams().orElse(Map.of());
                        for (String param : c.jmhParams().keySet()) {
                            assertTrue(declared.containsKey(param), c.label() + ": " + c.benchmark() + " has no @Param " + param
                                    + " (it has " + declared.keySet() + ")");
                        }
                        cases++;
                    }
                }
            }
        }
        assertTrue(cases > 100, cases + " cases");
        assertFalse(compiled.isEmpty());
    }

    /** The runner adds backend and device to every case's parameters: every benchmark declares both. */
    @Test
    void everyBenchmarkDeclaresTheParametersTheRunnerAdds() {
        for (BenchmarkListEntry e : compiled()) {
            Map<String, String[]> declared = e.getParams().orElse(Map.of());
            assertTrue(declared.containsKey("backend") && declared.containsKey("device"), e.getUsername() + ": " + declared.keySet());
        }
    }

    private static List<BenchmarkListEntry> compiled() {
        return List.copyOf(BenchmarkList.defaultList().getAll(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of()));
    }
}
