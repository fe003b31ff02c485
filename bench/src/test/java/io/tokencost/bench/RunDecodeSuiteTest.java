package io.tokencost.bench;

import io.tokencost.cli.Main;
import io.tokencost.results.Column;
import io.tokencost.results.CsvResultReader;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decode suite end to end on a tiny Hugging Face config: verified step, measured tokens/s, the estimator's prediction beside it. */
class RunDecodeSuiteTest {

    @TempDir
    Path dir;

    static Path tinyConfig(Path dir) throws Exception {
        Path config = Files.createDirectories(dir.resolve("tiny-llama")).resolve("config.json");
        Files.writeString(config, "{\"hidden_size\": 256, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"num_key_value_heads\": 2,"
                + " \"head_dim\": 64, \"intermediate_size\": 512, \"vocab_size\": 1024}");
        return config;
    }

    @Test
    void aDecodeStepIsMeasuredAndPredicted() throws Exception {
        Path out = dir.resolve("run");
        StringWriter stdout = new StringWriter();
        int code = Main.execute(new PrintWriter(stdout, true), new PrintWriter(new StringWriter(), true), "run", "--backend", "cpu", "--suite",
                "decode", "--model", tinyConfig(dir).toString(), "--working-set", "4MiB", "--forks", "0", "--out", out.toString());
        assertEquals(0, code, stdout.toString());
        List<ResultRow> steps = CsvResultReader.read(out.resolve(RunOutput.CSV)).stream().filter(r -> r.get(Column.SUITE).equals("decode")).toList();
        assertEquals(1, steps.size(), "quick on a host: int4_g128, batch 1, context 1024");
        ResultRow step = steps.get(0);
        assertEquals("int4_g128", step.get(Column.WEIGHT_FORMAT));
        assertEquals("true", step.get(Column.VERIFIED));
        assertEquals(1 / step.number(Column.TIME_MEDIAN_S), step.number(Column.TOKENS_PER_S), step.number(Column.TOKENS_PER_S) * 1e-5);
        String printed = stdout.toString();
        assertTrue(printed.contains("Decode step of tiny-llama, measured and predicted"), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("\\s+int4_g128\\s+1\\s+1024 .*%")), printed);
        // energy per token where the device's meter reads, else why not: one line per step either way
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("  energy (")), printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("    int4_g128 batch 1 context 1024: (.* J per token, .* kWh per 1M tokens.*|not measured \\(.+\\))")),
                "energy, or why it is not measurable: " + printed);
        assertTrue(Files.readString(out.resolve(RunOutput.JSON)).contains("\"decode_predictions\""));
    }

    @Test
    void decodeBenchRunsOnTheCpuAndTheEmulation() throws Exception {
        for (String backend : new String[] {"cpu", "emu"}) {
            DecodeBench b = new DecodeBench();
            b.backend = backend;
            b.model = tinyConfig(dir.resolve(backend)).toString();
            b.weights = "int8";
            b.batch = 2;
            b.context = 33;
            b.openTrial();
            try {
                io.tokencost.measure.KernelSamples.get().beginIteration(false);
                b.measure();
                assertEquals(1, io.tokencost.measure.KernelSamples.get().endIteration().size(), backend);
            } finally {
                b.closeTrial();
            }
        }
    }
}
