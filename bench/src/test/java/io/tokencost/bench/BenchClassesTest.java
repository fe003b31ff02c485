package io.tokencost.bench;

import io.tokencost.kernels.transformerops.TransformerOps;
import io.tokencost.measure.KernelSamples;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each suite's benchmark class driven through the shared recipe by hand (no JMH, small shapes, the
 * CPU and the emulation): prepare, warm-up, timed launches, release. The suites' own runs take
 * minutes; this keeps a broken bench class from surfacing only there.
 */
class BenchClassesTest {

    /** Opens the trial, times three launches, closes; returns how many kernel samples were recorded. */
    private static int drive(DeviceBench bench) {
        bench.openTrial();
        try {
            KernelSamples.get().beginIteration(false);
            bench.clockBefore();
            for (int i = 0; i < 3; i++) {
                bench.measure();
            }
            bench.batchAndClockAfter();
            java.util.List<Double> samples = KernelSamples.get().endIteration();
            assertTrue(samples.stream().allMatch(t -> t > 0), samples.toString());
            assertTrue(KernelSamples.get().workload().bytesMoved() > 0);
            return samples.size();
        } finally {
            bench.closeTrial();
        }
    }

    /**
     * Run with JMH directly, every benchmark forks with the timing flags (inherited from DeviceBench;
     * the model benchmarks with a model-sized heap), as JMH compiled them into its benchmark list.
     */
    @Test
    void everyBenchmarkForksWithTheTimingFlags() {
        var entries = org.openjdk.jmh.runner.BenchmarkList.defaultList().getAll(
                org.openjdk.jmh.runner.format.OutputFormatFactory.createFormatInstance(System.out, org.openjdk.jmh.runner.options.VerboseMode.SILENT),
                java.util.List.of());
        assertTrue(entries.size() >= 8, entries.toString());
        for (var e : entries) {
            java.util.Collection<String> args = e.getJvmArgsAppend().orElse(java.util.List.of());
            for (String flag : java.util.List.of(io.tokencost.measure.JvmFlags.INLINE_DEPTH, io.tokencost.measure.JvmFlags.LINE_ALIGNED_OBJECTS,
                    io.tokencost.measure.JvmFlags.FULL_PROFILES, "jdk.incubator.vector")) {
                assertTrue(args.contains(flag), e.getUsername() + ": " + args);
            }
            boolean model = java.util.List.of(DecodeBench.class.getName(), PrefillBench.class.getName()).contains(e.getUserClassQName());
            assertTrue(args.contains(model ? "-Xmx16g" : "-Xmx8g"), e.getUsername() + ": " + args);
        }
    }

    /** An iteration of short launches starts with an untimed one (the CPU pool awake, as inside a step); of long ones, not. */
    @Test
    void shortLaunchesAreReWarmedBeforeEachIterationLongOnesAreNot() {
        CountingBench b = new CountingBench();
        b.backend = "cpu";
        b.openTrial();
        try {
            KernelSamples.get().beginIteration(false);
            int before = b.launches;
            b.clockBefore();
            assertEquals(before + 1, b.launches, "before the first timed launch");
            b.measure();
            b.batchAndClockAfter();
            b.clockBefore();
            assertEquals(before + 3, b.launches, "a short launch: re-warmed");
            b.launchMillis = (long) (1000 * DeviceBench.REWARM_BELOW_SECONDS) + 20;
            b.measure();
            b.batchAndClockAfter();
            b.clockBefore();
            assertEquals(before + 4, b.launches, "a long launch: timed as it comes");
            assertEquals(2, KernelSamples.get().endIteration().size(), "the untimed launches are not samples");
        } finally {
            b.closeTrial();
        }
    }

    @Test
    void qgemvBenchDequantizes() {
        for (String backend : new String[] {"cpu", "emu"}) {
            QGemvBench b = new QGemvBench();
            b.backend = backend;
            b.format = "int4_g128";
            b.kernel = "dequantize";
            b.n = 70;
            b.k = 256;
            b.batch = 1;
            b.copies = 2;
            assertTrue(drive(b) >= 3, backend);
            assertEquals(70L * 256 / 2 + 70L * 2 * 2 + 2L * 70 * 256, KernelSamples.get().workload().bytesMoved());
        }
    }

    @Test
    void transformerOpsBenchRunsBothSteps() {
        for (String backend : new String[] {"cpu", "emu"}) {
            for (String step : new String[] {"decode", "prefill"}) {
                TransformerOpsBench b = new TransformerOpsBench();
                b.backend = backend;
                b.model = "Mistral-7B-v0.3";
                b.step = step;
                b.tokens = 5;
                assertTrue(drive(b) >= 3, backend + " " + step);
            }
            // a mixture of experts' decode ops: routing, gather, SwiGLU over the slots, combine
            TransformerOpsBench moe = new TransformerOpsBench();
            moe.backend = backend;
            moe.model = "Qwen3-30B-A3B";
            moe.step = "decode";
            moe.tokens = 3;
            assertTrue(drive(moe) >= 3, backend + " moe");
            // the ops grid's single ops, each alone over one prompt
            for (String op : TransformerOps.SINGLE_OPS) {
                TransformerOpsBench single = new TransformerOpsBench();
                single.backend = backend;
                single.model = "Mistral-7B-v0.3";
                single.step = "prefill";
                single.tokens = 7;
                single.op = op;
                assertTrue(drive(single) >= 3, backend + " " + op);
            }
        }
    }

    @Test
    void gemmBench() {
        for (String backend : new String[] {"cpu", "emu"}) {
            GemmBench b = new GemmBench();
            b.backend = backend;
            b.dtype = "bf16";
            b.m = 70;
            b.n = 130;
            b.k = 96;
            assertTrue(drive(b) >= 3, backend);
        }
    }

    @Test
    void attentionBenches() {
        for (String backend : new String[] {"cpu", "emu"}) {
            AttentionDecodeBench d = new AttentionDecodeBench();
            d.backend = backend;
            d.kv = "int8";
            d.batch = 2;
            d.heads = 8;
            d.kvHeads = 2;
            d.headDim = 64;
            d.context = 300;
            d.copies = 2;
            assertTrue(drive(d) >= 3, backend);
            d.pageSize = 16;
            assertTrue(drive(d) >= 3, backend + " paged");
            AttentionPrefillBench p = new AttentionPrefillBench();
            p.backend = backend;
            p.dtype = "fp16";
            p.batch = 1;
            p.heads = 4;
            p.kvHeads = 2;
            p.headDim = 128;
            p.seq = 100;
            assertTrue(drive(p) >= 3, backend);
        }
    }
}
