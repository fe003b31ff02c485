package io.tokencost.suite;

import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.kernels.transformerops.TransformerOps;
import io.tokencost.results.Column;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.tokencost.suite.ModelSuitesTest.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ops grid: every op of a dense model at every token count, the attention grids, nothing for a mixture of experts. */
class OpsGridSuiteTest {

    private final OpsGridSuite suite = new OpsGridSuite();
    private final ModelSpec llama = ModelPresets.byName("Llama-3.1-8B");

    @Test
    void everyTokenCountHasEveryOpAtTheModelsShapes() {
        for (boolean gpu : new boolean[] {false, true}) {
            List<BenchCase> cases = suite.cases(Profile.QUICK, device(gpu ? "cuda" : "cpu", gpu ? 80L << 30 : 24L << 30), llama, "Llama-3.1-8B");
            List<Integer> tokens = OpsGridSuite.tokens(Profile.QUICK, gpu);
            assertEquals(gpu ? 4096 : 512, tokens.get(tokens.size() - 1));
            assertTrue(tokens.size() >= 10, "Vidur's cross-validation takes 10 folds where it has 10 points: " + tokens);
            for (int t : tokens) {
                Set<String> ops = new TreeSet<>();
                for (BenchCase c : cases) {
                    boolean product = c.suite().equals("qgemv") ? c.shape().get(Column.BATCH) == t : c.suite().equals("gemm") && c.shape().get(Column.M) == t;
                    if (product) {
                        ops.add(c.shape().get(Column.N) + "x" + c.shape().get(Column.K));
                        assertEquals(t <= 64 ? "qgemv" : "gemm", c.suite(), "qgemv up to 64 rows, as the decode step runs them");
                        assertEquals("fp16", c.weightFormat());
                    }
                    if (c.suite().equals("ops") && c.shape().get(Column.SEQ_LEN) == t) {
                        ops.add(c.kernel());
                        assertEquals(TransformerOps.opWorkload(c.kernel(), t, llama), c.workload());
                        assertEquals(c.kernel(), c.jmhParams().get("op"));
                    }
                }
                assertEquals(Set.of("6144x4096", "4096x4096", "28672x4096", "4096x14336", "add_rmsnorm", "rope_qkv", "swiglu"), ops, "tokens " + t);
            }
            long decodes = cases.stream().filter(c -> c.kernel().equals("decode")).count();
            long prefills = cases.stream().filter(c -> c.kernel().equals("prefill")).count();
            assertEquals(gpu ? 24 : 15, decodes, "batches x contexts 256, 1024, 4096");
            assertEquals(gpu ? 7 : 5, prefills);
            assertEquals(cases.size(), cases.stream().map(BenchCase::label).distinct().count(), "each case once");
        }
        assertTrue(OpsGridSuite.tokens(Profile.FULL, true).containsAll(List.of(6, 96, 3072)), "full adds the midpoints");
    }

    @Test
    void aMixtureOfExpertsHasNoGridAndSaysWhy() {
        ModelSpec mixtral = ModelPresets.byName("Mixtral-8x7B");
        assertEquals(List.of(), suite.cases(Profile.QUICK, device("cuda", 141L << 30), mixtral, "Mixtral-8x7B"));
        assertEquals("Mixtral-8x7B is a mixture of experts: the grid times a dense model's layers", suite.whyNoCases(mixtral));
    }

    /** Each single op declares the bytes it touches per token: fp32 residual and add in, fp32 and fp16 out; fp32 qkv in; fp32 gate and up in. */
    @Test
    void singleOpsDeclareTheBytesTheyTouch() {
        long hidden = llama.hidden();
        assertEquals(512 * 12 * hidden, TransformerOps.opWorkload("add_rmsnorm", 512, llama).bytesRead());
        assertEquals(512 * 6 * hidden, TransformerOps.opWorkload("add_rmsnorm", 512, llama).bytesWritten());
        assertEquals(512 * 8L * llama.ffn(), TransformerOps.opWorkload("swiglu", 512, llama).bytesRead());
        assertEquals(512 * 4L * 6144, TransformerOps.opWorkload("rope_qkv", 512, llama).bytesRead());
        assertThrows(IllegalArgumentException.class, () -> TransformerOps.opWorkload("softmax", 1, llama));
    }
}
