package io.tokencost.cli;

import io.tokencost.backend.cuda.CudaBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every bad input: one clear line on stderr, exit code 2 (3 for an unavailable backend), no stack trace. */
class BadInputTest {

    @TempDir
    Path dir;

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    static void assertOneLineError(Outcome o, int code, String fragment) {
        assertEquals(code, o.code(), o.err());
        String err = o.err().strip();
        assertFalse(err.contains("\n"), "more than one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "stack trace: " + err);
        assertTrue(err.startsWith("tokencost: ") && err.contains(fragment), err);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown suite      | run --backend cpu --suite memory,nope    | unknown suite 'nope'",
            "unknown backend    | run --backend tpu                        | unknown backend 'tpu'",
            "unknown model      | run --backend cpu --model gpt-9          | unknown model 'gpt-9'",
            "negative size      | run --backend cpu --working-set -5       | is not a size",
            "absurd size        | run --backend cpu --working-set 900GiB   | --working-set must be between",
            "tiny size          | run --backend cpu --working-set 12       | --working-set must be between",
            "malformed price    | run --backend cpu --price-per-hour abc   | 'abc' is not a double",
            "negative price     | run --backend cpu --price-per-hour -2    | --price-per-hour must be a positive",
            "absurd price       | run --backend cpu --price-per-hour 1e9   | --price-per-hour must be a positive",
            "no passes          | run --backend cpu --passes 0             | --passes must be 1..10",
            "too many passes    | run --backend cpu --passes 11            | --passes must be 1..10",
            "negative device    | verify --backend cpu --device -1         | --device must be >= 0",
            "missing device     | verify --backend cpu --device 3          | one device, index 0",
            "unknown option     | run --fast                               | Unknown option: '--fast'",
            "both profiles      | run --quick --full                       | mutually exclusive",
            "grid intensity     | run --backend cpu --grid-intensity -1    | --grid-intensity takes g CO2e per kWh",
            "estimate batch 0   | estimate --batch 0,8                     | --batch values must be positive",
            "estimate batch abc | estimate --batch 1,x                     | --batch takes positive whole numbers",
            "estimate sweep     | estimate --context 64..8                 | --context takes positive whole numbers",
            "estimate format    | estimate --weights int3                  | unknown weight format 'int3'",
            "estimate kv        | estimate --kv fp8                        | unknown KV format 'fp8'",
            "estimate cache     | estimate --cached-prefix 1.5             | cached prefix fraction must be in [0, 1)",
            "estimate util      | estimate --utilisation 0                 | utilisation must be in (0, 1]",
            "estimate tp        | estimate --tp 3                          | must divide Llama-3.1-8B's 32 attention heads",
            "estimate mix       | estimate --mix llama-3.1-8b:0.5,mistral-7b-v0.3:0.4 | --mix shares must sum to 1",
            "estimate draft     | estimate --draft gpt-9                   | unknown model 'gpt-9'",
            "estimate accept    | estimate --draft llama-3.1-8b --acceptance 1 | acceptance rate must be in [0, 1)",
            "estimate api       | estimate --api-price cheap               | --api-price takes $ per 1M tokens",
            "estimate prompt    | estimate --prompt 0                      | prompt length must be in",
            "estimate results   | estimate --results no/such.csv           | no such results file or run folder",
            "estimate price     | estimate --price-per-hour -1             | --price-per-hour must be a positive",
            "export format      | export --format csv                      | unknown export format 'csv'",
            "export no format   | export                                   | Missing required option: '--format=FORMAT'",
            "export vidur model | export --format vidur --results ../results/reference/cpu-dev-vm/all-suites-quick | give --model",
            "export vidur grid  | export --format vidur --model Llama-3.1-8B --results ../results/reference/cpu-dev-vm/all-suites-quick | (run --suite ops-grid --model Llama-3.1-8B)",
            "export vidur moe   | export --format vidur --model Mixtral-8x7B --results ../results/reference/cpu-dev-vm/all-suites-quick | is a mixture of experts",
            "export aic nothing | export --format aiconfigurator --results ../results/reference/cpu-dev-vm/memory-full | (run --suite gemm,qgemv)",
            "export aic h200    | export --format aiconfigurator --results ../results/reference/h200 | (run --suite gemm,qgemv)",
            "export vidur h200  | export --format vidur --model Llama-3.1-8B --results ../results/reference/h200 | (run --suite ops-grid --model Llama-3.1-8B)",
            "export aic backend | export --format aiconfigurator --framework tgi --results ../results/reference/cpu-dev-vm/all-suites-quick | --framework must be vllm",
            "breakdown steps    | breakdown --backend cpu --steps 0        | --steps, --batch and --context must be >= 1",
            "breakdown model    | breakdown --backend cpu --model gpt-9    | unknown model 'gpt-9'",
            "breakdown heap     | breakdown --backend cpu --model Llama-3.1-70B --weights fp16 | of Java heap here, this JVM has",
    })
    void badInputIsOneLineAndExitCode2(String name, String args, String fragment) {
        assertOneLineError(run(args.trim().split("\\s+")), Main.EXIT_BAD_INPUT, fragment.trim());
    }

    @Test
    void unwritableOutputFolder() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Outcome o = run("run", "--backend", "cpu", "--working-set", "64KiB", "--forks", "0", "--out", file.resolve("sub").toString());
        assertOneLineError(o, Main.EXIT_BAD_INPUT, "cannot create output folder");
    }

    @Test
    void anUnavailableBackendNamedExplicitlyExitsWith3AndItsReason() {
        Assumptions.assumeFalse(new CudaBackend().availability().available(), "a GPU is present: cuda is available here");
        Outcome o = run("run", "--backend", "cuda");
        assertOneLineError(o, Main.EXIT_UNAVAILABLE, "backend cuda is not available: ");
        Outcome v = run("verify", "--backend", "cuda");
        assertOneLineError(v, Main.EXIT_UNAVAILABLE, "backend cuda is not available: ");
    }

    @Test
    void devicesPrintsEveryBackendAndCudaInOneLineWhenUnavailable() {
        Outcome o = run("devices");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("cpu:0: "), o.out());
        assertTrue(o.out().contains("vector_width_bits"), o.out());
        // energy: what is metered, or one line saying why not (this VM has no RAPL)
        assertTrue(o.out().lines().anyMatch(l -> l.matches("  energy\\s+(RAPL package energy .*|not measurable here: .*)")), o.out());
        if (!new CudaBackend().availability().available()) {
            assertTrue(o.out().lines().anyMatch(l -> l.startsWith("cuda: unavailable: ")), o.out());
        }
    }

    @Test
    void verifyOnTheCpuAndTheEmulationPassesAndHelpAndVersionWork() {
        // memory_stream x4, qgemv x3 + dequantize x2 + experts x3, gemm x3, attention_decode x2, attention_prefill x2,
        // transformer_ops x9 and the model's decode step, MoE decode step, prefill and MoE prefill everywhere; the tensor-core probes
        // (mma, ldmatrix .x4 and .x4.trans) where the .cu kernels run
        java.util.Map<String, Integer> expected = java.util.Map.of("cpu", 32, "emu", 35);
        for (String backend : new String[] {"cpu", "emu"}) {
            Outcome v = run("verify", "--backend", backend);
            assertEquals(0, v.code(), v.out() + v.err());
            assertTrue(v.out().contains("all kernels verified"));
            assertEquals((long) expected.get(backend), v.out().lines().filter(l -> l.contains("PASS")).count(), v.out());
        }
        assertEquals(0, run("--version").code());
        for (String cmd : new String[] {"run", "verify", "devices", "breakdown"}) {
            Outcome h = run(cmd, "--help");
            assertEquals(0, h.code());
            assertTrue(h.out().contains("Usage: tokencost " + cmd), h.out());
        }
    }

    @Test
    void estimatePrintsTheTableFromMeasuredRowsAndWritesCsvAndJson() throws Exception {
        String reference = "../results/reference/cpu-dev-vm/";
        Path csv = dir.resolve("e.csv");
        Path json = dir.resolve("e.json");
        Outcome o = run("estimate", "--results", reference + "gemm-qgemv-quick," + reference + "attention-quick", "--model", "llama-3.1-8b",
                "--weights", "int4", "--batch", "1,8,64", "--context", "8192", "--price-per-hour", "0.10", "--cached-prefix", "0.5",
                "--csv", csv.toString(), "--json", json.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().startsWith("Llama-3.1-8B, int4_g128 weights, fp16 KV, prompt 1024 + output 128 tokens"), o.out());
        for (String batch : new String[] {"1", "8", "64"}) {
            assertTrue(o.out().lines().anyMatch(l -> l.matches("Llama-3\\.1-8B plain\\s+" + batch + "\\s+8192 .*")), batch + ":\n" + o.out());
        }
        assertTrue(o.out().contains("+ prompt cache 50%") && o.out().contains("NO (15)"), "batch 64 does not fit: " + o.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(7, lines.size(), "a header, 3 plain lines and 3 prompt-cache lines");
        assertTrue(lines.get(0).startsWith("model,variant,weights,kv,prompt,output,batch,context,tp,"), lines.get(0));
        assertTrue(Files.readString(json).contains("\"tpot_s\""));
        Outcome x = run("export", "--format", "llm-analysis", "--results", reference + "gemm-qgemv-quick", "--out", dir.toString());
        assertEquals(0, x.code(), x.err());
        assertTrue(x.out().contains("llm-analysis flags: --gpu_name tokencost-intel-r-xeon-r-processor --hbm_memory_efficiency 0.4"), x.out());
        assertTrue(Files.readString(dir.resolve("tokencost-intel-r-xeon-r-processor.json")).contains("\"hbm_bandwidth_in_GB_per_sec\" : 28.887"));
        // any Hugging Face config.json
        Path config = Files.createDirectories(dir.resolve("my-mistral")).resolve("config.json");
        Files.copy(io.tokencost.cost.ModelPresets.class.getResourceAsStream("models/Mistral-7B-v0.3.json"), config);
        Outcome m = run("estimate", "--results", reference + "gemm-qgemv-quick," + reference + "attention-quick", "--model", config.toString());
        assertEquals(0, m.code(), m.err());
        assertTrue(m.out().lines().anyMatch(l -> l.startsWith("Mistral-7B-v0.3 plain ")), m.out());
        // help lists the levers
        Outcome h = run("estimate", "--help");
        assertTrue(h.out().contains("--speculative") || h.out().contains("--draft"), h.out());
    }

    @Test
    void sizesParse() {
        assertEquals(64L << 20, ByteSize.parse("x", "64MiB"));
        assertEquals(1L << 30, ByteSize.parse("x", "1g"));
        assertEquals(4096, ByteSize.parse("x", "4096"));
    }

    @Test
    void modelPrintsPresetsAndConfigsAndRejectsBadOnes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        Outcome all = run("model");
        assertEquals(0, all.code(), all.err());
        assertTrue(all.out().contains("Qwen3-30B-A3B: hidden 2048") && all.out().contains("parameters 8.03 B"), all.out());
        java.nio.file.Path config = dir.resolve("config.json");
        java.nio.file.Files.writeString(config, "{\"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4, "
                + "\"intermediate_size\": 128, \"vocab_size\": 1000}");
        Outcome one = run("model", config.toString());
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().contains("hidden 64, 2 layers, 4 q / 4 kv heads x 16"), one.out());
        java.nio.file.Files.writeString(config, "{\"hidden_size\": 64}");
        assertOneLineError(run("model", config.toString()), 2, "missing field 'num_hidden_layers'");
        assertOneLineError(run("model", dir.resolve("nothing.json").toString()), 2, "no such file");
        assertOneLineError(run("run", "--backend", "cpu", "--model", dir.resolve("nothing.json").toString()), 2, "no such file");
    }

    @Test
    void kernelImageAndRacecheckOptionsAreCheckedAndLastOneCommand() {
        assertOneLineError(run("verify", "--backend", "cpu", "--kernel-image", "cubin"), 2, "--kernel-image must be auto, fatbin or ptx, got 'cubin'");
        assertOneLineError(run("verify", "--backend", "cpu", "--racecheck"), 2, "--racecheck needs --backend emu");
        // an option's property is the command's: the next command in this JVM does not inherit it
        assertEquals(0, run("verify", "--backend", "cpu", "--kernel-image", "ptx").code());
        assertEquals(null, System.getProperty("tokencost.kernels"));
    }
}
