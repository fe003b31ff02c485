package io.tokencost.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tokencost breakdown} on a tiny config: a decode step's and a prefill's kernels, each line its launches and share. */
class BreakdownCommandTest {

    @TempDir
    Path dir;

    @Test
    void aDecodeStepAndAPrefillAreSplitKernelByKernel() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"hidden_size": 256, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 64,
                 "vocab_size": 1024, "intermediate_size": 512}""");
        BadInputTest.Outcome decode = BadInputTest.run("breakdown", "--backend", "cpu", "--model", config.toString(), "--weights", "int8",
                "--batch", "2", "--context", "33", "--steps", "2");
        assertEquals(0, decode.code(), decode.err());
        List<String> lines = decode.out().lines().toList();
        assertTrue(lines.get(0).contains("int8, decode step at batch 2, context 33 on cpu"), decode.out());
        assertTrue(lines.get(1).matches("step: [0-9.]+ ms \\(median of 2, min [0-9.]+\\); its kernels timed one by one: .*% of the step\\)"), lines.get(1));
        // q/k/v (4 + 2 x 2 heads of 64 = 512 rows) twice per step, then each line's share; the shares add up to the kernels' 100 %
        assertTrue(decode.out().lines().anyMatch(l -> l.matches("\\s+qgemv\\.gemv int8 512 256 2\\s+2\\.0\\s+[0-9.]+\\s+[0-9.]+%\\s+[0-9.]+\\s+\\([0-9.]+\\)")), decode.out());
        double shares = lines.stream().filter(l -> l.matches(".*%\\s+[0-9.]+\\s+\\([0-9.]+\\)$")).mapToDouble(l -> Double.parseDouble(l.replaceAll(".*\\s([0-9.]+)%.*", "$1"))).sum();
        assertEquals(100, shares, 0.5, decode.out());

        BadInputTest.Outcome prefill = BadInputTest.run("breakdown", "--backend", "cpu", "--model", config.toString(), "--prompt", "40", "--steps", "1");
        assertEquals(0, prefill.code(), prefill.err());
        assertTrue(prefill.out().contains("prefill of 40 tokens"), prefill.out());
        assertTrue(prefill.out().lines().anyMatch(l -> l.trim().startsWith("qgemv.gemv int4_g128 512 256 40")), "the prompt's q/k/v product: " + prefill.out());
        assertTrue(prefill.out().lines().noneMatch(l -> l.contains("dequantize") || l.contains("gemm.gemm")), "below 256 tokens, no GEMM: " + prefill.out());
    }

    /** Two steps' median is their mean (the larger one was printed as the median), and the kernels' share is of it. */
    @Test
    void anEvenNumberOfStepsHasTheMeanOfTheMiddleTwoAsItsMedian() {
        java.io.StringWriter text = new java.io.StringWriter();
        BreakdownCommand.print(new java.io.PrintWriter(text, true), new double[] {1.0, 3.0}, "",
                List.of(new io.tokencost.model.StepBreakdown.Line("qgemv.gemv int4_g128 4096 4096 128", 32, 1.5, 0.04)));
        assertTrue(text.toString().contains(" 46.8750  (40.0000)"), "the mean launch, then the median: " + text);
        assertTrue(text.toString().startsWith("step: 2000.000 ms (median of 2, min 1000.000); its kernels timed one by one: 1500.000 ms (75.0 % of the step)"),
                text.toString());
    }
}
