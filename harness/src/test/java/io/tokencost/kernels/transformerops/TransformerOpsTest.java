package io.tokencost.kernels.transformerops;

import io.tokencost.backend.Backend;
import io.tokencost.backend.Backends;
import io.tokencost.backend.Session;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.kernels.qgemv.QGemvCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kernels/transformer_ops.cu on the emulation (the same source and host code as on a GPU) and its
 * CPU twin, against the float64 references: random shapes (odd rows and widths, both head dims,
 * GQA groups) on fresh random inputs, several seeds.
 */
class TransformerOpsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cpu", "emu"})
    void randomShapesMatchTheReferences(String backendId) {
        Backend backend = Backends.byId(backendId);
        assertTrue(backend.availability().available(), backend.availability().reason());
        try (Session s = backend.open(0)) {
            for (long seed = 1; seed <= 4; seed++) {
                SplittableRandom r = new SplittableRandom(seed);
                int rows = 1 + r.nextInt(7);
                int hidden = 1 + r.nextInt(2500);
                int firstRow = r.nextInt(3);
                assertBelow(TransformerOpsCheck.addRmsnorm(s, rows, hidden, r.nextBoolean(), firstRow, r),
                        "add_rmsnorm " + rows + "x" + hidden + " from row " + firstRow);
                int kvHeads = 1 + r.nextInt(3);
                int heads = kvHeads * (1 + r.nextInt(4));
                int headDim = r.nextBoolean() ? 64 : 128;
                int context = 1 + r.nextInt(200);
                assertBelow(TransformerOpsCheck.rope(s, 1 + r.nextInt(3), 1, heads, kvHeads, headDim, context, r),
                        "rope_qkv " + heads + "/" + kvHeads + "x" + headDim + " ctx " + context);
                int tokens = 1 + r.nextInt(context);
                assertBelow(TransformerOpsCheck.rope(s, 1 + r.nextInt(2), tokens, heads, kvHeads, headDim, context, r),
                        "rope_qkv prompt of " + tokens + ", " + heads + "/" + kvHeads + "x" + headDim + " ctx " + context);
                assertEquals(0, TransformerOpsCheck.mergeHeads(s, 1 + r.nextInt(3), heads, tokens, headDim, r), "merge_heads");
                assertEquals(0, TransformerOpsCheck.toFloat(s, 1 + r.nextInt(50_000), r), "to_float");
                int ffn = 1 + r.nextInt(3000);
                assertBelow(TransformerOpsCheck.swiglu(s, rows, ffn, r), "swiglu " + rows + "x" + ffn);
                assertBelow(TransformerOpsCheck.toHalf(s, 1 + r.nextInt(50_000), r), "to_half");
            }
        }
    }

    /** An MoE layer's routing, gather, experts product (every format) and combine, random tokens, experts and top k. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cpu", "emu"})
    void mixtureOfExpertsOpsMatchTheReferences(String backendId) {
        Backend backend = Backends.byId(backendId);
        assertTrue(backend.availability().available(), backend.availability().reason());
        try (Session s = backend.open(0)) {
            for (long seed = 1; seed <= 3; seed++) {
                SplittableRandom r = new SplittableRandom(seed);
                int tokens = 1 + r.nextInt(20);
                int experts = 1 + r.nextInt(130);
                int topK = 1 + r.nextInt(Math.min(8, experts));
                String shape = tokens + " tokens, " + experts + " experts, top " + topK;
                assertEquals(0, TransformerOpsCheck.moeRoute(s, tokens, experts, topK, r), 1e-6, "moe_route " + shape);
                assertEquals(0, TransformerOpsCheck.moeGather(s, tokens, experts, topK, 1 + r.nextInt(500), r), "moe_gather " + shape);
                assertEquals(0, TransformerOpsCheck.moeCombine(s, tokens, experts, topK, 1 + r.nextInt(500), r), 1e-6, "moe_combine " + shape);
                for (WeightFormat f : QGemv.FORMATS) {
                    int n = 1 + r.nextInt(70);
                    int k = 128 * (1 + r.nextInt(4));
                    assertBelow(QGemvCheck.expertsOnce(s, f, experts, n, k, tokens, topK, r), "experts " + f.id() + " " + n + "x" + k + ", " + shape);
                }
            }
        }
    }

    /**
     * A prompt's routing: more slots than the CUDA kernel stages in one tile (2048), Qwen3's 128
     * experts for 2048 tokens (8 tiles), and more experts than the block has threads (700: a thread
     * places several), each slot's row exactly the reference's stable order.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"cpu", "emu"})
    void aPromptsRoutingPlacesEverySlotInOrderPastOneTile(String backendId) {
        try (Session s = Backends.byId(backendId).open(0)) {
            SplittableRandom r = new SplittableRandom(17);
            for (int[] c : new int[][] {{2048, 128, 8}, {600, 700, 4}, {1025 + r.nextInt(1000), 2 + r.nextInt(60), 2}}) {
                assertEquals(0, TransformerOpsCheck.moeRoute(s, c[0], c[1], c[2], r), 1e-6, "moe_route " + java.util.Arrays.toString(c));
            }
        }
    }

    static void assertBelow(double error, String what) {
        // fp16 outputs: rounding alone is 2^-11 relative
        assertTrue(error < 2e-3, what + ": relative error " + error);
    }
}
