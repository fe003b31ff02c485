package io.tokencost.backend.cuda;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The kernels module put PTX, cubins and the manifest on the classpath (built by nvcc here: it is installed). */
class KernelResourcesTest {

    private static Properties manifest;

    @BeforeAll
    static void readManifest() throws IOException {
        try (InputStream in = KernelResourcesTest.class.getResourceAsStream(KernelManifest.DIR + "kernels.properties")) {
            assertNotNull(in, "kernels.properties is missing: the tokencost-kernels jar is not on the classpath");
            manifest = new Properties();
            manifest.load(in);
        }
        boolean built = "true".equals(manifest.getProperty("built"));
        // a machine without nvcc builds without kernels (built=false); CI must have them
        assumeTrue(built || System.getenv("CI") != null,
                "kernels not built here (" + manifest.getProperty("reason") + "): skipping kernel resource checks");
        assertTrue(built, "CI is set but the kernels were not built: " + manifest.getProperty("reason"));
    }

    @Test
    void manifestNamesTheKernelsAndTheToolkit() {
        assertTrue(manifest.getProperty("nvcc.version", "").matches("\\d+\\.\\d+"), "nvcc.version: " + manifest.getProperty("nvcc.version"));
        assertEquals("compute_80", manifest.getProperty("ptx.arch"));
        Set<String> kernels = new TreeSet<>(List.of(manifest.getProperty("kernels").split(",")));
        assertTrue(kernels.containsAll(Set.of("memory_stream", "clock_probe")), "kernels: " + kernels);
        assertTrue(List.of(manifest.getProperty("cubin.archs").split(",")).contains("sm_90"));
        KernelManifest m = KernelManifest.load().orElseThrow();
        assertEquals(manifest.getProperty("nvcc.version"), m.nvccVersion());
    }

    @Test
    void memoryStreamPtxDeclaresEveryKernel() {
        assertEquals(Set.of("stream_copy", "stream_read", "stream_write", "stream_triad"), entries("memory_stream"));
    }

    @Test
    void clockProbePtxDeclaresItsKernel() {
        assertEquals(Set.of("clock_probe"), entries("clock_probe"));
    }

    @Test
    void ptxTargetsCompute80AndIsNulTerminatedForTheDriver() {
        byte[] ptx = KernelManifest.ptx("memory_stream");
        assertEquals(0, ptx[ptx.length - 1]);
        String text = new String(ptx, StandardCharsets.US_ASCII);
        assertTrue(text.contains(".target sm_80"), "PTX target is not sm_80");
        assertTrue(text.contains(".address_size 64"));
        // no hidden globals: nothing in .global state space outside the kernels' parameters
        assertTrue(!Pattern.compile("(?m)^\\s*\\.global\\s").matcher(text).find(), "PTX declares a global variable");
    }

    @Test
    void hopperCubinsAreElfFiles() {
        for (String module : List.of("memory_stream", "clock_probe")) {
            byte[] cubin = KernelManifest.cubin(module, "sm_90").orElseThrow(() -> new AssertionError(module + ".sm_90.cubin missing"));
            assertArrayEquals(new byte[] {0x7f, 'E', 'L', 'F'}, java.util.Arrays.copyOf(cubin, 4), module + " cubin is not ELF");
        }
    }

    private static Set<String> entries(String module) {
        String ptx = new String(KernelManifest.ptx(module), StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("\\.entry\\s+(\\w+)").matcher(ptx);
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
