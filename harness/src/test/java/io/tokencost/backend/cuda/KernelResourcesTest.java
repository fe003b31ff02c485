package io.tokencost.backend.cuda;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The kernels module put both images of every .cu file and the manifest on the classpath (built by
 * nvcc here: it is installed): a fatbin whose entries are the six SASS archs and the PTX for newer
 * GPUs, and a compatibility PTX at the ISA the manifest states.
 */
class KernelResourcesTest {

    static final List<Integer> SASS = List.of(80, 86, 89, 90, 100, 120);
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
    void manifestNamesEachImagesTargetsIsaAndDriver() {
        assertTrue(manifest.getProperty("nvcc.version", "").matches("\\d+\\.\\d+"), "nvcc.version: " + manifest.getProperty("nvcc.version"));
        Set<String> kernels = new TreeSet<>(List.of(manifest.getProperty("kernels").split(",")));
        assertTrue(kernels.containsAll(Set.of("memory_stream", "clock_probe", "qgemv", "gemm", "attention_decode", "attention_prefill")), "kernels: " + kernels);
        KernelManifest m = KernelManifest.load().orElseThrow();
        assertEquals(manifest.getProperty("nvcc.version"), m.nvccVersion());
        KernelManifest.CompatPtx ptx = m.ptx().orElseThrow();
        assertEquals("compute_80", ptx.arch());
        // lowered: no file needs more than ISA 8.0, so drivers for CUDA 12.0 (R525) read it
        assertTrue(CudaVersion.parse(ptx.isa()).compareTo(new CudaVersion(8, 0)) <= 0, "compatibility PTX ISA " + ptx.isa());
        assertTrue(ptx.minDriver().compareTo(KernelImageChoice.BINDING_MIN) <= 0, "compatibility PTX needs " + ptx.minDriver());
        KernelManifest.Fatbin fatbin = m.fatbin().orElseThrow();
        int nvccMajor = CudaVersion.parse(m.nvccVersion()).major();
        assertEquals(new CudaVersion(nvccMajor, 0), fatbin.minDriver());
        if (nvccMajor >= 13) {
            assertEquals(List.of("sm_80", "sm_86", "sm_89", "sm_90", "sm_100", "sm_120"), fatbin.sass());
            assertEquals("compute_120", fatbin.ptx());
            assertEquals("13.0", fatbin.ptxMinDriver().toString());
        }
        // what the build recorded of spills is about archs it has no budget for: never sm_80 or sm_90
        assertTrue(fatbin.spills().stream().noneMatch(s -> s.contains("@sm_80:") || s.contains("@sm_90:")), "spills: " + fatbin.spills());
    }

    /**
     * Each fatbin's container header (magic 0xBA55ED50) lists an ELF entry per SASS arch the manifest
     * names (with nvcc 13: the six) and one PTX entry (compute_120).
     */
    @Test
    void everyFatbinHoldsItsSassArchsAndThePtx() {
        KernelManifest m = KernelManifest.load().orElseThrow();
        KernelManifest.Fatbin fatbin = m.fatbin().orElseThrow();
        List<Integer> sass = fatbin.sass().stream().map(KernelImageChoice::arch).toList();
        if (CudaVersion.parse(m.nvccVersion()).major() >= 13) {
            assertEquals(SASS, sass);
        }
        for (String module : m.kernels()) {
            List<int[]> entries = fatbinEntries(KernelManifest.image(module, KernelImage.Kind.FATBIN));
            List<Integer> elf = entries.stream().filter(e -> e[0] == ELF).map(e -> e[1]).sorted().toList();
            List<Integer> ptx = entries.stream().filter(e -> e[0] == PTX).map(e -> e[1]).toList();
            assertEquals(sass, elf, module + ".fatbin SASS archs");
            assertEquals(List.of(KernelImageChoice.arch(fatbin.ptx())), ptx, module + ".fatbin PTX archs");
            assertTrue(entries.stream().filter(e -> e[0] == ELF).allMatch(e -> (e[2] & COMPRESSED) != 0), module + ".fatbin cubins are not compressed");
        }
    }

    @Test
    void compatibilityPtxTargetsCompute80AtItsLoweredIsaAndIsNulTerminated() {
        KernelManifest m = KernelManifest.load().orElseThrow();
        for (String module : m.kernels()) {
            byte[] ptx = KernelManifest.image(module, KernelImage.Kind.PTX);
            assertEquals(0, ptx[ptx.length - 1]);
            String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
            assertTrue(text.contains(".target sm_80"), module + ": PTX target is not sm_80");
            assertTrue(text.contains(".address_size 64"));
            Matcher version = Pattern.compile("(?m)^\\.version (\\d+\\.\\d+)").matcher(text);
            assertTrue(version.find(), module + ": no .version");
            assertEquals(manifest.getProperty("ptx.isa." + module), version.group(1), module + ": .version vs the manifest");
            // no hidden globals: nothing in .global state space outside the kernels' parameters
            assertTrue(!Pattern.compile("(?m)^\\s*\\.global\\s").matcher(text).find(), module + ": PTX declares a global variable");
        }
        assertEquals(Set.of("stream_copy", "stream_read", "stream_write", "stream_triad"), entries("memory_stream"));
        assertEquals(Set.of("clock_probe"), entries("clock_probe"));
    }

    static final int PTX = 1;
    static final int ELF = 2;
    /** Entry flag bit 15: the payload is compressed. */
    static final long COMPRESSED = 0x8000;

    /**
     * The entries of a fatbin container, each {kind, arch, flags}: a 16-byte header (magic 0xBA55ED50,
     * version, header size, size of the entries), then per entry its kind (1 PTX, 2 ELF) at 0, its
     * header size at 4, its padded payload size at 8, its arch at 28 and flags at 40, the next
     * entry after the header and payload.
     */
    static List<int[]> fatbinEntries(byte[] fatbin) {
        ByteBuffer b = ByteBuffer.wrap(fatbin).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xBA55ED50, b.getInt(0), "fatbin magic");
        int headerSize = Short.toUnsignedInt(b.getShort(6));
        long end = headerSize + b.getLong(8);
        assertEquals(fatbin.length, end, "fatbin size in its header");
        List<int[]> entries = new ArrayList<>();
        for (long at = headerSize; at < end; ) {
            int p = Math.toIntExact(at);
            int kind = Short.toUnsignedInt(b.getShort(p));
            int entryHeader = b.getInt(p + 4);
            long payload = b.getLong(p + 8);
            assertTrue(entryHeader >= 64 && payload > 0, "fatbin entry at " + p);
            entries.add(new int[] {kind, b.getInt(p + 28), (int) b.getLong(p + 40)});
            at += entryHeader + payload;
        }
        return entries;
    }

    private static Set<String> entries(String module) {
        String ptx = new String(KernelManifest.image(module, KernelImage.Kind.PTX), StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("\\.entry\\s+(\\w+)").matcher(ptx);
        Set<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
