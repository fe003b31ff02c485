package io.tokencost.backend.cuda;

import io.tokencost.backend.cuda.KernelImageChoice.Preference;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which image a device loads, over drivers × compute capabilities × what the build made, against a fake driver answer. */
class KernelImageChoiceTest {

    /** As nvcc 13.0 builds it here. */
    static final KernelManifest NVCC_13 = manifest("""
            built=true
            nvcc.version=13.0
            kernels=clock_probe
            fatbin.sass=sm_80,sm_86,sm_89,sm_90,sm_100,sm_120
            fatbin.ptx=compute_120
            fatbin.ptx_isa=9.0
            fatbin.min_driver_cuda=13.0
            fatbin.ptx_min_driver_cuda=13.0
            fatbin.spills=qgemv_int8@sm_100:4B,qgemv_fp16_experts_b16@sm_120:352B,qgemv_int4g128@sm_120:40B
            ptx.arch=compute_80
            ptx.isa=7.0
            ptx.min_driver_cuda=11.0
            """);
    /** As an nvcc 12.4 on a user's machine would: no Blackwell targets, its own ISA in the fatbin's PTX. */
    static final KernelManifest NVCC_12_4 = manifest("""
            built=true
            nvcc.version=12.4
            kernels=clock_probe
            fatbin.sass=sm_80,sm_86,sm_89,sm_90
            fatbin.ptx=compute_90
            fatbin.ptx_isa=8.4
            fatbin.min_driver_cuda=12.0
            fatbin.ptx_min_driver_cuda=12.4
            fatbin.not_built=sm_100,sm_120,compute_120 (nvcc 12.4 does not target them)
            ptx.arch=compute_80
            ptx.isa=7.0
            ptx.min_driver_cuda=11.0
            """);

    static final List<String> DRIVERS = List.of("11.4", "11.8", "12.0", "12.2", "12.4", "12.8", "12.9", "13.0", "13.1");
    static final List<int[]> CCS = List.of(new int[] {7, 0}, new int[] {7, 5}, new int[] {8, 0}, new int[] {8, 6}, new int[] {8, 7}, new int[] {8, 9},
            new int[] {9, 0}, new int[] {10, 0}, new int[] {10, 3}, new int[] {11, 0}, new int[] {12, 0}, new int[] {12, 1}, new int[] {13, 0});

    static KernelManifest manifest(String text) {
        Properties p = new Properties();
        try {
            p.load(new java.io.StringReader(text));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return KernelManifest.of(p);
    }

    static KernelImageChoice choose(String driver, int major, int minor, KernelManifest m, Preference p) {
        return KernelImageChoice.choose(CudaVersion.parse(driver), major, minor, "GPU " + major + minor, m, p);
    }

    static List<String> loads(KernelImageChoice c) {
        return c.candidates().stream().map(KernelImage::loads).toList();
    }

    static final String COMPAT = "compatibility PTX compute_80 (ISA 7.0) JIT-compiled by the driver";

    @Test
    void eachGpuFamilyUnderAnR580DriverLoadsItsOwnSassFirst() {
        String[][] expected = {
                {"8.0", "fatbin: SASS for sm_80"}, {"8.6", "fatbin: SASS for sm_86"}, {"8.7", "fatbin: SASS for sm_86"},
                {"8.9", "fatbin: SASS for sm_89"}, {"9.0", "fatbin: SASS for sm_90"}, {"10.0", "fatbin: SASS for sm_100"},
                {"10.3", "fatbin: SASS for sm_100"}, {"12.0", "fatbin: SASS for sm_120"}, {"12.1", "fatbin: SASS for sm_120"},
                {"13.0", "fatbin: PTX compute_120 (ISA 9.0) JIT-compiled by the driver"}};
        for (String[] e : expected) {
            CudaVersion cc = CudaVersion.parse(e[0]);
            assertEquals(List.of(e[1], COMPAT), loads(choose("13.0", cc.major(), cc.minor(), NVCC_13, Preference.AUTO)), "cc " + e[0]);
        }
        // Jetson Thor (11.0): no sm_110 SASS, and compute_120's PTX cannot run on it: the compatibility PTX
        assertEquals(List.of(COMPAT), loads(choose("13.0", 11, 0, NVCC_13, Preference.AUTO)));
    }

    @Test
    void driversBeforeR580TakeTheCompatibilityPtxOnEveryGpu() {
        for (String driver : List.of("12.0", "12.2", "12.4", "12.8", "12.9")) {
            for (int[] cc : CCS.subList(2, CCS.size())) {
                assertEquals(List.of(COMPAT), loads(choose(driver, cc[0], cc[1], NVCC_13, Preference.AUTO)), driver + " cc " + cc[0] + "." + cc[1]);
            }
        }
    }

    @Test
    void tooOldAGpuOrDriverIsRefusedInOneLineThatSaysWhy() {
        KernelImageChoice t4 = KernelImageChoice.choose(CudaVersion.parse("13.0"), 7, 5, "Tesla T4", NVCC_13, Preference.AUTO);
        assertTrue(t4.refused());
        assertEquals("compute capability 7.5 (Tesla T4): the kernels need 8.0+ (Ampere or newer)", t4.refusal());
        KernelImageChoice r470 = choose("11.4", 9, 0, NVCC_13, Preference.AUTO);
        assertEquals("driver R470 (CUDA 11.4): the kernels need CUDA 12.0 or newer (R525+): update the NVIDIA driver", r470.refusal());
    }

    @Test
    void forcingAnImageNeverFallsBackAndSaysWhatItNeeds() {
        KernelImageChoice fatbinOnR535 = choose("12.2", 9, 0, NVCC_13, Preference.FATBIN);
        assertTrue(fatbinOnR535.refused());
        assertEquals("tokencost.kernels=fatbin: the fatbin's cubins (nvcc 13.0) need a driver for CUDA 13.0 or newer (R580+), this is R535 (CUDA 12.2)",
                fatbinOnR535.refusal());
        assertEquals(List.of("fatbin: SASS for sm_90"), loads(choose("13.0", 9, 0, NVCC_13, Preference.FATBIN)));
        assertEquals(List.of(COMPAT), loads(choose("13.0", 9, 0, NVCC_13, Preference.PTX)));
        KernelImageChoice thor = choose("13.0", 11, 0, NVCC_13, Preference.FATBIN);
        assertEquals("tokencost.kernels=fatbin: the fatbin holds no SASS for sm_110, and its PTX compute_120 is for newer GPUs", thor.refusal());
    }

    @Test
    void anOlderNvccsFatbinLoadsOnItsOwnDriversAndItsPtxCoversBlackwell() {
        // cubins of nvcc 12.x load on any 12.x driver; its PTX (ISA 8.4) needs 12.4 for the GPUs it has no SASS for
        assertEquals(List.of("fatbin: SASS for sm_90", COMPAT), loads(choose("12.2", 9, 0, NVCC_12_4, Preference.AUTO)));
        assertEquals(List.of(COMPAT), loads(choose("12.2", 10, 0, NVCC_12_4, Preference.AUTO)));
        assertEquals(List.of("fatbin: PTX compute_90 (ISA 8.4) JIT-compiled by the driver", COMPAT),
                loads(choose("12.4", 10, 0, NVCC_12_4, Preference.AUTO)));
        KernelImageChoice forced = choose("12.2", 12, 0, NVCC_12_4, Preference.FATBIN);
        assertEquals("tokencost.kernels=fatbin: the fatbin holds no SASS for sm_120, and its PTX compute_90 (ISA 8.4) needs a driver for "
                + "CUDA 12.4 or newer (R550+)", forced.refusal());
    }

    /** SASS built for {@code archs} runs on a GPU of the same major architecture and a minor at or above its own. */
    static boolean hasSass(int major, int minor, int... archs) {
        for (int a : archs) {
            if (a / 10 == major && a % 10 <= minor) {
                return true;
            }
        }
        return false;
    }

    /**
     * Over the whole grid, against rules written out here (not read from the manifest): nvcc 13's
     * fatbin loads from driver 13.0 where it has SASS for the GPU, or where its compute_120 PTX can
     * be JIT-compiled (compute capability 12.0 and up); nvcc 12.4's from driver 12.0 with its SASS,
     * or from 12.4 through its compute_90 PTX (9.0 and up). The compatibility PTX loads wherever
     * the GPU (8.0+) and the binding (driver 12.0+) do, and comes last.
     */
    @Test
    void everyChoiceFollowsTheDriverAndArchitectureRules() {
        for (String d : DRIVERS) {
            CudaVersion driver = CudaVersion.parse(d);
            for (int[] cc : CCS) {
                int major = cc[0];
                int minor = cc[1];
                boolean runs = major >= 8 && driver.atLeast(new CudaVersion(12, 0));
                boolean fatbin13 = driver.atLeast(new CudaVersion(13, 0)) && (hasSass(major, minor, 80, 86, 89, 90, 100, 120) || major >= 12);
                boolean fatbin124 = driver.atLeast(new CudaVersion(12, 0)) && hasSass(major, minor, 80, 86, 89, 90)
                        || driver.atLeast(new CudaVersion(12, 4)) && major >= 9;
                for (KernelManifest m : List.of(NVCC_13, NVCC_12_4)) {
                    boolean fatbin = runs && (m == NVCC_13 ? fatbin13 : fatbin124);
                    String where = "nvcc " + m.nvccVersion() + ", driver " + d + ", cc " + major + "." + minor;
                    List<KernelImage.Kind> auto = fatbin ? List.of(KernelImage.Kind.FATBIN, KernelImage.Kind.PTX)
                            : runs ? List.of(KernelImage.Kind.PTX) : List.of();
                    assertEquals(auto, kinds(choose(d, major, minor, m, Preference.AUTO)), where + ", auto");
                    assertEquals(fatbin ? List.of(KernelImage.Kind.FATBIN) : List.of(), kinds(choose(d, major, minor, m, Preference.FATBIN)),
                            where + ", fatbin forced");
                    assertEquals(runs ? List.of(KernelImage.Kind.PTX) : List.of(), kinds(choose(d, major, minor, m, Preference.PTX)),
                            where + ", ptx forced");
                    for (Preference p : Preference.values()) {
                        KernelImageChoice c = choose(d, major, minor, m, p);
                        assertEquals(c.candidates().isEmpty(), c.refusal() != null, where);
                        if (c.refused()) {
                            assertFalse(c.refusal().isBlank() || c.refusal().contains("\n"), where + ": " + c.refusal());
                        }
                    }
                }
            }
        }
    }

    static List<KernelImage.Kind> kinds(KernelImageChoice c) {
        return c.candidates().stream().map(KernelImage::kind).toList();
    }

    @Test
    void thePropertyNamesTheImageAndRejectsAnythingElse() {
        String saved = System.getProperty(KernelImageChoice.PROPERTY);
        try {
            System.clearProperty(KernelImageChoice.PROPERTY);
            assertEquals(Preference.AUTO, KernelImageChoice.preference());
            System.setProperty(KernelImageChoice.PROPERTY, "PTX");
            assertEquals(Preference.PTX, KernelImageChoice.preference());
            System.setProperty(KernelImageChoice.PROPERTY, "fatbin");
            assertEquals(Preference.FATBIN, KernelImageChoice.preference());
            System.setProperty(KernelImageChoice.PROPERTY, "cubin");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, KernelImageChoice::preference);
            assertEquals("tokencost.kernels must be auto, fatbin or ptx, got 'cubin'", e.getMessage());
        } finally {
            if (saved == null) {
                System.clearProperty(KernelImageChoice.PROPERTY);
            } else {
                System.setProperty(KernelImageChoice.PROPERTY, saved);
            }
        }
    }

    @Test
    void versionsAndDriverBranches() {
        assertEquals(new CudaVersion(12, 2), CudaVersion.ofDriverApi(12020));
        assertEquals(new CudaVersion(13, 0), CudaVersion.ofDriverApi(13000));
        assertEquals("R535 (CUDA 12.2)", CudaVersion.ofDriverApi(12020).driver());
        assertEquals("R565 (CUDA 12.7)", CudaVersion.parse("12.7").driver());
        assertEquals("CUDA 13.1", CudaVersion.parse("13.1").driver());
        assertEquals("CUDA 13.0 or newer (R580+)", CudaVersion.parse("13.0").orNewer());
        assertTrue(CudaVersion.parse("12.10").atLeast(CudaVersion.parse("12.9")));
        assertThrows(IllegalArgumentException.class, () -> CudaVersion.parse("twelve"));
    }

    @Test
    void spillsAreListedForTheSassArchTheyWereBuiltFor() {
        assertEquals(List.of("qgemv_fp16_experts_b16 (352B)", "qgemv_int4g128 (40B)"), NVCC_13.spills("sm_120"));
        assertEquals(List.of("qgemv_int8 (4B)"), NVCC_13.spills("sm_100"));
        assertEquals(List.of(), NVCC_13.spills("sm_90"));
        assertEquals(List.of(), NVCC_12_4.spills("sm_90"));
    }
}
