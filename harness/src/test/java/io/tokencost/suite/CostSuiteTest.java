package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import io.tokencost.cost.ModelPresets;
import io.tokencost.cost.ModelSpec;
import io.tokencost.cost.Price;
import io.tokencost.estimate.CostTable;
import io.tokencost.estimate.Estimator;
import io.tokencost.estimate.MeasuredRates;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.measure.KernelSamples;
import io.tokencost.results.ResultRow;
import io.tokencost.results.RunIdentity;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default run's case list against the estimator it feeds: rows made from exactly those cases
 * (the real row builder, times from a roofline) give the cost table with no fallback, no far-away
 * shape and no extrapolation noted, and every row is read. A case the estimator stopped reading, or a
 * lookup the cases stopped covering, fails here.
 */
class CostSuiteTest {

    @TempDir
    Path dir;

    /** A Hugging Face config.json of a dense model that is no preset (Qwen2.5-1.5B's shape). */
    private String configModel() throws IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"architectures": ["Qwen2ForCausalLM"], "hidden_size": 1536, "num_hidden_layers": 28, "num_attention_heads": 12,
                 "num_key_value_heads": 2, "intermediate_size": 8960, "vocab_size": 151936, "tie_word_embeddings": true}
                """);
        return config.toString();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"Llama-3.1-8B,cpu", "Llama-3.1-8B,cuda", "Llama-3.1-70B,cuda", "Mistral-7B-v0.3,cpu", "config.json,cpu", "config.json,cuda",
            "Mixtral-8x7B,cuda", "Qwen3-30B-A3B,cpu"})
    void theDefaultCasesAreExactlyTheRowsTheEstimatorReads(String modelArgument, String backend) throws IOException {
        String argument = modelArgument.equals("config.json") ? configModel() : modelArgument;
        ModelSpec model = ModelPresets.resolve(argument);
        DeviceProperties device = backend.equals("cpu")
                ? new DeviceProperties("cpu", 0, "AMD EPYC", "", "", "", 2, 24L << 30, 0, 32L << 20, Map.of())
                : new DeviceProperties("cuda", 0, "NVIDIA H200", "", "", "9.0", 132, 141L << 30, 4_800_000_000_000L, 60L << 20, Map.of());
        List<BenchCase> cases = new ArrayList<>(new MemorySuite().ceilingCases(device, 0));
        cases.addAll(new CostSuite().cases(Profile.QUICK, device, model, argument));

        RunIdentity identity = RunIdentity.create(device);
        List<ResultRow> rows = new ArrayList<>();
        for (BenchCase c : cases) {
            rows.add(CaseRows.of(identity, c, roofline(c), new CheckResult("f", "k", "fp16", 1, 0, 1e-2, null), 0, Double.NaN));
        }
        Estimator estimator = new Estimator(MeasuredRates.of(rows), device.name(), device.memoryBytes(), Optional.of(new Price(1, "test")));
        CostTable table = CostTable.of(estimator, model, List.of(QGemv.FORMATS), CostSuite.PROMPT, CostSuite.OUTPUT, device.name(), "");

        // past the largest qgemv batch the GEMM rule is the rule, not a fallback; every other note is
        List<String> notes = estimator.rates().notes().stream().filter(n -> !n.contains("decode batches past the largest measured")).toList();
        assertEquals(List.of(), notes, "lookups the default cases do not cover");
        assertEquals(3, table.lines().size());
        table.lines().forEach(l -> assertTrue(l.atOne().ttftS() > 0 && l.atOne().tpotS() > 0 && l.atOne().usdPer1mInput() > 0, l.weights().id()));
        Set<ResultRow> unread = Collections.newSetFromMap(new IdentityHashMap<>());
        unread.addAll(rows);
        unread.removeAll(estimator.rates().usedRows());
        assertEquals(List.of(), unread.stream().map(r -> io.tokencost.results.CaseKey.of(r).name() + " " + io.tokencost.results.CaseKey.of(r).shape()).toList(),
                "rows the estimator never reads");
    }

    /** Samples on a roofline of 100 GB/s and 1 TFLOP/s, with a little spread so the rows have noise. */
    private static KernelSamples.Raw roofline(BenchCase c) {
        double t = Math.max(c.workload().bytesMoved() / 1e11, c.workload().flops() / 1e12) + 5e-6;
        return new KernelSamples.Raw(List.of(t, 1.01 * t, 0.99 * t, 1.02 * t, t), List.of(), List.of(), List.of(), "");
    }
}
