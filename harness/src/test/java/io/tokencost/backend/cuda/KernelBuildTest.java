package io.tokencost.backend.cuda;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kernels/build-kernels.sh on a small planted kernel: the compatibility PTX is lowered to the ISA a
 * feature needs and checked by ptxas at it, a feature past the ceiling fails the build naming the
 * file and the feature, and an older nvcc builds the targets it has and says which it lacks.
 */
class KernelBuildTest {

    static final Path SCRIPT = Path.of("..", "kernels", "build-kernels.sh").toAbsolutePath().normalize();
    static final Path PLANTED = Path.of("src", "test", "resources", "kernel-build").toAbsolutePath();

    @TempDir
    Path dir;

    record Build(int code, String output, Properties manifest) {
    }

    @BeforeAll
    static void needsNvcc() {
        boolean nvcc = List.of(System.getenv().getOrDefault("PATH", "").split(":")).stream().anyMatch(p -> Files.isExecutable(Path.of(p, "nvcc")))
                || Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"));
        // CI builds the kernels, so it has nvcc: there the checks must run
        assumeTrue(nvcc || System.getenv("CI") != null, "nvcc is not installed here");
    }

    Build build(Map<String, String> env) throws IOException, InterruptedException {
        Path out = dir.resolve("out");
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), out.toString(), dir.resolve("report.txt").toString())
                .redirectErrorStream(true);
        pb.environment().put("TC_KERNEL_SOURCES", PLANTED.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        int code = p.waitFor();
        Properties manifest = new Properties();
        Path file = out.resolve("kernels.properties");
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                manifest.load(r);
            }
        }
        return new Build(code, output, manifest);
    }

    @Test
    void theCompatibilityPtxIsRaisedToTheIsaAFeatureNeedsAndNoFurther() throws Exception {
        Build b = build(Map.of());
        assertEquals(0, b.code(), b.output());
        assertEquals("7.4", b.manifest().getProperty("ptx.isa.evict_first"));
        assertEquals("7.4", b.manifest().getProperty("ptx.isa"));
        assertEquals("11.4", b.manifest().getProperty("ptx.min_driver_cuda"));
        String ptx = Files.readString(dir.resolve("out").resolve("evict_first.ptx"));
        assertTrue(ptx.startsWith("//") && ptx.contains("\n.version 7.4\n") && ptx.contains(".target sm_80"), ptx.substring(0, 300));
        assertTrue(Files.size(dir.resolve("out").resolve("evict_first.fatbin")) > 0);
    }

    @Test
    void aFeaturePastTheCeilingFailsTheBuildNamingTheFileAndTheFeature() throws Exception {
        Build b = build(Map.of("TC_COMPAT_PTX_MAX_ISA", "7.2"));
        assertEquals(1, b.code(), b.output());
        assertTrue(b.output().contains("ERROR: harness/src/test/resources/kernel-build/evict_first.cu: Modifier '.evict_first' on 'ld' requires PTX ISA "
                + ".version 7.4 or later; the compatibility PTX (compute_80) must stay at ISA 7.2 or lower"), b.output());
        assertFalse(Files.exists(dir.resolve("out").resolve("kernels.properties")), "a failed build left a manifest");
    }

    /** An nvcc 12.4 (faked: the real one answers, but --version, --list-gpu-code and --help say 12.4) builds what it has. */
    @Test
    void anOlderNvccBuildsTheTargetsItHasAndTheManifestSaysWhichItLacks() throws Exception {
        Path fake = dir.resolve("bin").resolve("nvcc");
        Files.createDirectories(fake.getParent());
        Files.writeString(fake, """
                #!/usr/bin/env bash
                case "$1" in
                  --version) echo "Cuda compilation tools, release 12.4, V12.4.131"; exit 0 ;;
                  --list-gpu-code) printf 'sm_50\\nsm_75\\nsm_80\\nsm_86\\nsm_87\\nsm_89\\nsm_90\\n'; exit 0 ;;
                  --help) nvcc --help | grep -v -- --compress-mode; exit 0 ;;
                esac
                exec nvcc "$@"
                """);
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        Build b = build(Map.of("NVCC", fake.toString()));
        assertEquals(0, b.code(), b.output());
        Properties m = b.manifest();
        assertEquals("12.4", m.getProperty("nvcc.version"));
        assertEquals("sm_80,sm_86,sm_89,sm_90", m.getProperty("fatbin.sass"));
        assertEquals("compute_90", m.getProperty("fatbin.ptx"));
        assertEquals("12.0", m.getProperty("fatbin.min_driver_cuda"));
        assertEquals("default", m.getProperty("fatbin.compression"));
        assertEquals("sm_100,sm_120,compute_120 (nvcc 12.4 does not target them)", m.getProperty("fatbin.not_built"));
        List<int[]> entries = KernelResourcesTest.fatbinEntries(Files.readAllBytes(dir.resolve("out").resolve("evict_first.fatbin")));
        assertEquals(List.of(80, 86, 89, 90), entries.stream().filter(e -> e[0] == KernelResourcesTest.ELF).map(e -> e[1]).sorted().toList());
        assertEquals(List.of(90), entries.stream().filter(e -> e[0] == KernelResourcesTest.PTX).map(e -> e[1]).toList());
    }
}
