package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What `run` measures for its options, planned without JMH or a device. */
class RunPlanTest {

    private static final DeviceProperties HOST = new DeviceProperties("cpu", 0, "AMD EPYC", "", "", "", 2, 24L << 30, 0, 32L << 20, Map.of());
    private static final DeviceProperties H200 = new DeviceProperties("cuda", 0, "NVIDIA H200", "", "", "9.0", 132, 141L << 30, 4_800_000_000_000L,
            60L << 20, Map.of());
    private static final ModelSpec LLAMA = ModelPresets.byName("Llama-3.1-8B");

    private static RunPlan plan(String suites, boolean withKernelRows, Profile profile, DeviceProperties device) {
        return RunPlan.of(Suites.parse(suites), withKernelRows, profile, device, LLAMA, "Llama-3.1-8B", 0);
    }

    /** The default: the read ceiling first, then exactly the cost suite's cases, on the brief profile, ending with the cost table. */
    @Test
    void theDefaultIsTheReadCeilingThenTheCostSuiteBriefly() {
        RunPlan p = plan("cost", true, Profile.QUICK, HOST);
        assertEquals("memory/read", p.cases().get(0).suite() + "/" + p.cases().get(0).kernel());
        assertEquals(new CostSuite().cases(Profile.QUICK, HOST, LLAMA, "Llama-3.1-8B"), p.cases().subList(1, p.cases().size()));
        assertEquals(Profile.BRIEF, p.timing());
        assertTrue(p.costsTheModel());
        assertEquals(List.of(), p.added());
        assertTrue(p.cases().stream().allMatch(c -> p.minIterations(c) == 0), "the profile's iterations for every case");
        // asked with another suite, or in full, the cases keep the profile chosen
        assertEquals(Profile.QUICK, plan("cost,memory", true, Profile.QUICK, HOST).timing());
        assertEquals(Profile.FULL, plan("cost", true, Profile.FULL, HOST).timing());
    }

    /** A suite of its own: no second read ceiling when memory is chosen, and the decode ceiling at the end. */
    @Test
    void theMemorySuiteIsItsOwnCeiling() {
        RunPlan p = plan("memory", true, Profile.QUICK, HOST);
        assertEquals(List.of("copy", "read", "write", "triad"), p.cases().stream().map(BenchCase::kernel).toList());
        assertFalse(p.costsTheModel());
        assertEquals(Profile.QUICK, p.timing());
    }

    /** A model suite brings the kernel suites its prediction reads, and its own shapes over more iterations; unless told not to. */
    @Test
    void aModelSuiteBringsThePredictionsRowsUnlessToldNot() {
        RunPlan with = plan("decode", true, Profile.QUICK, H200);
        assertEquals(List.of("qgemv", "gemm", "attention", "ops"), with.added().stream().map(Suite::id).toList());
        assertEquals(List.of("qgemv", "gemm", "attention", "ops", "decode"), with.suites().stream().map(Suite::id).toList());
        List<BenchCase> steps = with.cases().stream().filter(c -> c.suite().equals("decode")).toList();
        assertEquals(12, steps.size(), "fp16, int8, int4 x batch 1, 16 x context 1k, 8k");
        assertTrue(steps.stream().allMatch(c -> with.minIterations(c) == 0), "a GPU's steps on the profile's iterations");
        List<BenchCase> ownShapes = with.cases().stream().filter(c -> with.minIterations(c) == ModelSuite.PREDICTION_ROW_ITERATIONS).toList();
        assertFalse(ownShapes.isEmpty());
        assertTrue(ownShapes.stream().noneMatch(c -> c.suite().equals("decode")));

        RunPlan without = plan("decode", false, Profile.QUICK, H200);
        assertEquals(List.of("decode"), without.suites().stream().map(Suite::id).toList());
        assertEquals(1 + 12, without.cases().size(), "the read ceiling and the steps");
        // a host's decode steps over as many iterations as a prediction's rows
        RunPlan host = plan("decode", false, Profile.QUICK, HOST);
        assertTrue(host.cases().stream().filter(c -> c.suite().equals("decode"))
                .allMatch(c -> host.minIterations(c) == ModelSuite.PREDICTION_ROW_ITERATIONS));
    }

    /** A model that fits nowhere says so for each model suite, and the plan still measures the rest. */
    @Test
    void aSuiteWithoutCasesIsSaidInOneLine() {
        DeviceProperties small = new DeviceProperties("cpu", 0, "small host", "", "", "", 2, 4L << 30, 0, 8L << 20, Map.of());
        RunPlan p = RunPlan.of(Suites.parse("decode"), false, Profile.QUICK, small, ModelPresets.byName("Llama-3.1-70B"), "Llama-3.1-70B", 0);
        assertEquals(List.of("decode: no cases: " + new DecodeSuite().whyNoCases(ModelPresets.byName("Llama-3.1-70B"))), p.notes());
        assertEquals(1, p.cases().size(), "the read ceiling alone");
    }

    /**
     * A run records and resumes its cases by label: a plan holds each once, even where two suites plan
     * the same case (a decode step's prediction rows and the qgemv suite asked beside it).
     */
    @Test
    void everyPlannedCaseHasALabelOfItsOwn() {
        for (DeviceProperties device : List.of(HOST, H200)) {
            for (String suites : List.of("decode,qgemv", "prefill,gemm,attention", "cost,memory,qgemv,gemm,attention,decode,prefill,ops")) {
                RunPlan p = plan(suites, true, Profile.QUICK, device);
                assertEquals(p.labels().size(), new java.util.HashSet<>(p.labels()).size(), suites + " on " + device.name() + ": " + p.labels());
            }
        }
    }
}
