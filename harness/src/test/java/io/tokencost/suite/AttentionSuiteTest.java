package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelPresets;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.results.Column;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The attention suite's cases: the context curve's columns, sizes per device, cache labels. */
class AttentionSuiteTest {

    static DeviceProperties device(String backend, long memory, long llc) {
        return new DeviceProperties(backend, 0, "test", "", "", "", 2, memory, 0, llc, Map.of());
    }

    @Test
    void quickOnAHostSweepsContextAndBatchForBothKvFormats() {
        List<BenchCase> all = new AttentionSuite().cases(Profile.QUICK, device("cpu", 24L << 30, 260L << 20), 0);
        List<BenchCase> cases = all.stream().filter(c -> c.kernel().equals("decode")).toList();
        assertEquals(3 * 2 * 2, cases.size());
        assertEquals(Set.of(1024L, 8192L, 32768L), cases.stream().map(c -> c.shape().get(Column.CONTEXT)).collect(Collectors.toSet()));
        assertEquals(Set.of("fp16", "int8"), cases.stream().map(BenchCase::weightFormat).collect(Collectors.toSet()));
        for (BenchCase c : cases) {
            // the columns the context curve needs: context, batch, heads, kv heads, head dim, KV format
            assertEquals(32L, c.shape().get(Column.HEADS));
            assertEquals(8L, c.shape().get(Column.KV_HEADS));
            assertEquals(128L, c.shape().get(Column.HEAD_DIM));
            assertTrue(c.shape().containsKey(Column.BATCH));
            assertEquals("fp16", c.dtype());
            assertEquals("attention_decode/" + c.weightFormat(), c.check());
            AttentionDecode.Shape s = new AttentionDecode.Shape(c.shape().get(Column.BATCH).intValue(), 32, 8, 128,
                    c.shape().get(Column.CONTEXT).intValue());
            assertEquals(AttentionDecode.workload(AttentionDecode.KvFormat.of(c.weightFormat()), s), c.workload());
            int copies = Integer.parseInt(c.jmhParams().get("copies"));
            assertEquals(copies * c.workload().bytesRead(), c.workingSetBytes());
            // small caches rotate over copies past 4x the 260 MiB cache; the largest needs none
            assertTrue(c.workingSetBytes() >= 4 * (260L << 20), c.label());
            assertEquals(copies > 1 ? "rotated" : "cold", c.l2(), c.label());
        }
    }

    @Test
    void aGpuReachesLongContextsFlushedAndSkipsWhatOneArrayCannotHold() {
        List<BenchCase> cases = new AttentionSuite().cases(Profile.QUICK, device("cuda", 80L << 30, 50L << 20), 0).stream()
                .filter(c -> c.kernel().equals("decode")).toList();
        Set<String> points = cases.stream().map(c -> c.shape().get(Column.BATCH) + "x" + c.shape().get(Column.CONTEXT)).collect(Collectors.toSet());
        assertTrue(points.contains("1x131072"));
        // batch 16 x 128k tokens x 8 kv heads x 128 = 2^31 elements: past one Java array
        assertFalse(points.contains("16x131072"));
        assertTrue(cases.stream().allMatch(c -> c.l2().equals("cold") && c.jmhParams().get("copies").equals("1")));
    }

    @Test
    void fullSweepsEveryDistinctHeadLayoutOfThePresets() {
        List<BenchCase> cases = new AttentionSuite().cases(Profile.FULL, device("cuda", 141L << 30, 60L << 20), 0).stream()
                .filter(c -> c.kernel().equals("decode")).toList();
        Set<String> heads = cases.stream().map(c -> c.shape().get(Column.HEADS) + "/" + c.shape().get(Column.KV_HEADS)).collect(Collectors.toSet());
        assertEquals(Set.of("32/8", "64/8", "32/4"), heads);
        assertTrue(AttentionSuite.fits(1, ModelPresets.byName("Llama-3.1-8B"), 131072, device("cuda", 141L << 30, 0)));
        assertFalse(AttentionSuite.fits(64, ModelPresets.byName("Llama-3.1-8B"), 131072, device("cuda", 141L << 30, 0)));
        assertFalse(AttentionSuite.fits(4, ModelPresets.byName("Llama-3.1-8B"), 131072, device("cpu", 4L << 30, 0)), "a quarter of 4 GiB");
    }

    @Test
    void prefillRowsComeFirstWithTheirSequenceLengthsAndCausalFlops() {
        List<BenchCase> cpu = new AttentionSuite().cases(Profile.QUICK, device("cpu", 24L << 30, 260L << 20), 0);
        List<BenchCase> prefill = cpu.subList(0, 4);
        assertTrue(prefill.stream().allMatch(c -> c.kernel().equals("prefill")), "prefill first");
        assertEquals(Set.of("fp16 512", "bf16 512", "fp16 2048", "bf16 2048"),
                prefill.stream().map(c -> c.dtype() + " " + c.shape().get(Column.SEQ_LEN)).collect(Collectors.toSet()));
        for (BenchCase c : prefill) {
            long seq = c.shape().get(Column.SEQ_LEN);
            assertEquals(4L * 32 * 128 * seq * (seq + 1) / 2, c.workload().flops(), "causal: the pairs the mask keeps");
            assertEquals("attention_prefill/" + c.dtype(), c.check());
            assertEquals(1L, c.shape().get(Column.BATCH));
        }
        List<BenchCase> gpu = new AttentionSuite().cases(Profile.QUICK, device("cuda", 80L << 30, 50L << 20), 0);
        assertTrue(gpu.stream().anyMatch(c -> c.kernel().equals("prefill") && c.shape().get(Column.SEQ_LEN) == 8192L),
                "the GPU goal's 8k, head_dim 128");
        List<BenchCase> full = new AttentionSuite().cases(Profile.FULL, device("cuda", 141L << 30, 60L << 20), 0);
        assertFalse(full.stream().anyMatch(c -> c.kernel().equals("prefill") && c.shape().get(Column.BATCH) == 8L
                && c.shape().get(Column.HEADS) == 64L && c.shape().get(Column.SEQ_LEN) == 32768L), "past one Java array");
    }
}
