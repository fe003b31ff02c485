package io.tokencost.bench;

import io.tokencost.cli.Main;
import io.tokencost.measure.KernelSamples;
import io.tokencost.results.Column;
import io.tokencost.results.CsvResultReader;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunOutput;
import io.tokencost.suite.ModelSuite;
import io.tokencost.suite.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decode and prefill suites end to end on a tiny Hugging Face config: verified steps, measured
 * output and input tokens/s, the estimator's prediction beside each, energy or why not.
 */
class RunModelSuitesTest {

    @TempDir
    Path dir;

    /** The tiny model's attention: hidden 256, 2 layers, 4 q / 2 kv heads of 64, vocab 1024. */
    private static final String TINY_ATTENTION = "\"hidden_size\": 256, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,"
            + " \"num_key_value_heads\": 2, \"head_dim\": 64, \"vocab_size\": 1024, \"intermediate_size\": 512";

    static Path tinyConfig(Path dir) throws Exception {
        return config(dir, "tiny-llama", "{" + TINY_ATTENTION + "}");
    }

    /** The same attention with 16 experts of width 128, top 4. */
    static Path tinyMoeConfig(Path dir) throws Exception {
        return config(dir, "tiny-moe", "{" + TINY_ATTENTION + ", \"moe_intermediate_size\": 128, \"num_experts\": 16, \"num_experts_per_tok\": 4}");
    }

    private static Path config(Path dir, String name, String json) throws Exception {
        Path config = Files.createDirectories(dir.resolve(name)).resolve("config.json");
        Files.writeString(config, json);
        return config;
    }

    @Test
    void aDecodeStepAndAPrefillAreMeasuredAndPredicted() throws Exception {
        Path out = dir.resolve("run");
        StringWriter stdout = new StringWriter();
        int code = Main.execute(new PrintWriter(stdout, true), new PrintWriter(new StringWriter(), true), "run", "--backend", "cpu", "--suite",
                "decode,prefill", "--without-kernel-rows", "--model", tinyConfig(dir).toString(), "--working-set", "4MiB", "--forks", "0", "--out",
                out.toString());
        assertEquals(0, code, stdout.toString());
        List<ResultRow> rows = CsvResultReader.read(out.resolve(RunOutput.CSV));
        List<ResultRow> steps = rows.stream().filter(r -> r.get(Column.SUITE).equals("decode")).toList();
        assertEquals(1, steps.size(), "quick on a host: int4_g128, batch 1, context 1024");
        ResultRow step = steps.get(0);
        assertEquals("int4_g128", step.get(Column.WEIGHT_FORMAT));
        assertEquals("true", step.get(Column.VERIFIED));
        assertEquals(1 / step.number(Column.TIME_MEDIAN_S), step.number(Column.TOKENS_PER_S), step.number(Column.TOKENS_PER_S) * 1e-5);
        List<ResultRow> prefills = rows.stream().filter(r -> r.get(Column.SUITE).equals("prefill")).toList();
        assertEquals(1, prefills.size(), "quick on a host: int4_g128, a prompt of 128");
        ResultRow prefill = prefills.get(0);
        assertEquals(128, prefill.number(Column.SEQ_LEN));
        assertEquals("true", prefill.get(Column.VERIFIED));
        assertEquals(128 / prefill.number(Column.TIME_MEDIAN_S), prefill.number(Column.TOKENS_PER_S), prefill.number(Column.TOKENS_PER_S) * 1e-5);
        assertTrue(prefill.number(Column.FLOPS) > 2.0 * 128 * 2 * (256 * 384 + 256 * 256 + 2 * 512 * 256 + 256 * 512), "every layer's GEMMs counted");
        String printed = stdout.toString();
        assertTrue(printed.contains("Whole tiny-llama, measured and predicted"), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("\\s+decode\\s+int4_g128\\s+1\\s+1024 .*%")), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("\\s+prefill\\s+int4_g128\\s+1\\s+128 .*%")), printed);
        // energy per token where the device's meter reads, else why not: one line per step either way
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("  energy (")), printed);
        String energy = "(.* J per token, .* kWh per 1M tokens.*|not measured \\(.+\\))";
        assertTrue(printed.lines().anyMatch(l -> l.matches("    decode int4_g128 batch 1 context 1024: " + energy)),
                "energy, or why it is not measurable: " + printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("    prefill int4_g128 prompt 128: " + energy)), printed);
        String json = Files.readString(out.resolve(RunOutput.JSON));
        assertTrue(json.contains("\"model_predictions\"") && json.contains("\"prompt\"") && json.contains("\"measured_noise_rel\""), json);
        // on a host the decode step over as many iterations as a prediction's rows, the prefill over the profile's
        List<JmhLogSection> sections = JmhLogSection.read(out.resolve("jmh.log"));
        assertEquals(List.of(ModelSuite.PREDICTION_ROW_ITERATIONS), sections.stream().filter(x -> x.kernel().equals("decode/step")).map(JmhLogSection::iterations).toList());
        assertEquals(List.of(Profile.QUICK.measurementIterations), sections.stream().filter(x -> x.kernel().equals("prefill/prefill")).map(JmhLogSection::iterations).toList());
    }

    /** A mixture of experts decodes and prefills (routed, verified, predicted), in two passes: each also predicted pass by pass. */
    @Test
    void aMixtureOfExpertsDecodeStepIsMeasuredAndPredicted() throws Exception {
        Path out = dir.resolve("moe");
        StringWriter stdout = new StringWriter();
        int code = Main.execute(new PrintWriter(stdout, true), new PrintWriter(new StringWriter(), true), "run", "--backend", "cpu", "--suite",
                "decode,prefill", "--without-kernel-rows", "--model", tinyMoeConfig(dir).toString(), "--working-set", "4MiB", "--forks", "0",
                "--passes", "2", "--out", out.toString());
        assertEquals(0, code, stdout.toString());
        List<ResultRow> steps = CsvResultReader.read(out.resolve(RunOutput.CSV)).stream().filter(r -> r.get(Column.SUITE).equals("decode")).toList();
        assertEquals(1, steps.size());
        assertEquals("true", steps.get(0).get(Column.VERIFIED));
        List<ResultRow> prefills = CsvResultReader.read(out.resolve(RunOutput.CSV)).stream().filter(r -> r.get(Column.SUITE).equals("prefill")).toList();
        assertEquals(1, prefills.size());
        assertEquals("true", prefills.get(0).get(Column.VERIFIED));
        String printed = stdout.toString();
        // the pooled error, then each pass's alone
        // (without kernel rows no compute rate: the prefill's prediction is NaN)
        String error = "([+-]\\d+\\.\\d|NaN)%";
        String twoPasses = " " + error + "   " + error + " " + error;
        assertTrue(printed.lines().anyMatch(l -> l.matches("\\s+decode\\s+int4_g128\\s+1\\s+1024 .*" + twoPasses)), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("\\s+prefill\\s+int4_g128\\s+1\\s+128 .*" + twoPasses)), printed);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve(RunOutput.JSON).toFile());
        for (var p : json.get("model_predictions")) {
            assertEquals(2, p.get("error_pct_per_pass").size(), p.toString());
        }
    }

    @Test
    void decodeAndPrefillBenchesRunOnTheCpuAndTheEmulation() throws Exception {
        for (String backend : new String[] {"cpu", "emu"}) {
            DecodeBench d = new DecodeBench();
            d.batch = 2;
            d.context = 33;
            PrefillBench p = new PrefillBench();
            p.prompt = 19;
            for (ModelBench b : List.of(d, p)) {
                runOnce(b, backend, tinyConfig(dir.resolve(backend)).toString());
            }
            if (backend.equals("emu")) {
                // the experts kernels and the captured step through the CUDA host code (the CPU's MoE step runs end to end above)
                DecodeBench moe = new DecodeBench();
                moe.batch = 1;
                moe.context = 17;
                runOnce(moe, backend, tinyMoeConfig(dir.resolve(backend)).toString());
            }
        }
    }

    private static void runOnce(ModelBench b, String backend, String model) {
        b.backend = backend;
        b.model = model;
        b.weights = "int8";
        b.openTrial();
        try {
            KernelSamples.get().beginIteration(false);
            b.measure();
            assertEquals(1, KernelSamples.get().endIteration().size(), backend + " " + b.getClass().getSimpleName());
        } finally {
            b.closeTrial();
        }
    }
}
