package io.tokencost.suite;

import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class BenchCaseTest {

    private static final io.tokencost.backend.DeviceProperties HOST = ModelSuitesTest.device("cpu", 24L << 30);
    private static final long COLD = CacheRotation.coldSetBytes(HOST, 0);

    /** The run leaves out a model's kernel case when a suite's case has its label: a label must tell formats apart. */
    @Test
    void casesOfOneShapeInTwoFormatsHaveTwoLabels() {
        BenchCase int4 = QGemvSuite.qgemvCase(WeightFormat.INT4_G128, 4096, 14336, 1, HOST, COLD);
        BenchCase fp16 = QGemvSuite.qgemvCase(WeightFormat.FP16, 4096, 14336, 1, HOST, COLD);
        assertEquals("qgemv/qgemv fp16 int4_g128 n=4096 k=14336 batch=1", int4.label());
        assertEquals("qgemv/qgemv fp16 n=4096 k=14336 batch=1", fp16.label(), "a weight format that is the dtype is said once");
        AttentionDecode.Shape shape = new AttentionDecode.Shape(1, 32, 8, 128, 1024);
        List<String> kv = List.of(AttentionSuite.decodeCase(AttentionDecode.KvFormat.FP16, shape, HOST, COLD).label(),
                AttentionSuite.decodeCase(AttentionDecode.KvFormat.INT8, shape, HOST, COLD).label());
        assertNotEquals(kv.get(0), kv.get(1), kv.toString());
        assertEquals("memory/copy fp32 n=1024", new BenchCase("memory", "memory_stream/copy", "copy", "fp32", "", Map.of(io.tokencost.results.Column.N, 1024L),
                int4.workload(), 0, "warm", "b", Map.of()).label());
    }

    /**
     * A run records its plan by case label and a resumed run finds what is missing by the rows' labels:
     * the row of every case of every suite (a host's and an H100's, the model suites' with their model) has its case's label.
     */
    @Test
    void everyCasesRowHasItsLabel() {
        io.tokencost.backend.DeviceProperties gpu = new io.tokencost.backend.DeviceProperties("cuda", 0, "NVIDIA H100 80GB HBM3", "", "", "9.0", 132,
                80L << 30, 3_350_000_000_000L, 50L << 20, Map.of());
        io.tokencost.cost.ModelSpec model = io.tokencost.cost.ModelPresets.resolve("Llama-3.1-8B");
        int cases = 0;
        for (io.tokencost.backend.DeviceProperties device : List.of(HOST, gpu)) {
            io.tokencost.results.RunIdentity id = io.tokencost.results.RunIdentity.create(device);
            RunPlan plan = RunPlan.of(Suites.all(), true, Profile.QUICK, device, model, "Llama-3.1-8B", 0);
            for (BenchCase c : plan.cases()) {
                io.tokencost.results.ResultRow row = CaseRows.of(id, c, new io.tokencost.measure.KernelSamples.Raw(List.of(0.001), List.of(), List.of(),
                        List.of(), ""), new io.tokencost.kernels.CheckResult("f", c.kernel(), "", 1, 0, 1, null), 0, Double.NaN);
                assertEquals(c.label(), io.tokencost.results.CaseKey.of(row).label());
                cases++;
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(cases > 100, cases + " cases");
    }
}
