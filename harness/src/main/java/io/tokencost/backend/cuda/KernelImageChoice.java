package io.tokencost.backend.cuda;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which packaged kernel image a device loads, decided in one place from the driver's CUDA version,
 * the device's compute capability and the manifest: the fatbin where the driver takes it (SASS for
 * the device's architecture, else its PTX for newer GPUs), else the compatibility PTX, else a
 * one-line reason. {@value #PROPERTY}{@code =fatbin|ptx} forces one image (an A/B check): no fallback.
 */
final class KernelImageChoice {

    static final String PROPERTY = CudaBackend.KERNEL_IMAGE_PROPERTY;
    /** How a fatbin's SASS image reads in {@link KernelImage#loads()}, followed by its arch. */
    static final String SASS = "fatbin: SASS for ";
    /** JCuda 12.6's driver binding calls entry points of CUDA 12.0: no older driver runs it. */
    static final CudaVersion BINDING_MIN = new CudaVersion(12, 0);

    enum Preference { AUTO, FATBIN, PTX }

    private final List<KernelImage> candidates;
    private final String refusal;

    private KernelImageChoice(List<KernelImage> candidates, String refusal) {
        this.candidates = List.copyOf(candidates);
        this.refusal = refusal;
    }

    /** The images to try in order (a later one where the driver refuses an earlier one); empty when refused. */
    List<KernelImage> candidates() {
        return candidates;
    }

    boolean refused() {
        return candidates.isEmpty();
    }

    /** Why nothing loads, in one line (null when something does). */
    String refusal() {
        return refusal;
    }

    /** {@value #PROPERTY} as set, {@code auto} when unset; anything else is bad input. */
    static Preference preference() {
        String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "auto", "" -> Preference.AUTO;
            case "fatbin" -> Preference.FATBIN;
            case "ptx" -> Preference.PTX;
            default -> throw new IllegalArgumentException(PROPERTY + " must be auto, fatbin or ptx, got '" + value + "'");
        };
    }

    static KernelImageChoice choose(CudaVersion driver, int ccMajor, int ccMinor, String deviceName, KernelManifest manifest, Preference preference) {
        String cc = ccMajor + "." + ccMinor;
        if (ccMajor < 8) {
            return refuse("compute capability " + cc + " (" + deviceName + "): the kernels need 8.0+ (Ampere or newer)");
        }
        if (!driver.atLeast(BINDING_MIN)) {
            return refuse("driver " + driver.driver() + ": the kernels need " + BINDING_MIN.orNewer() + ": update the NVIDIA driver");
        }
        List<KernelImage> images = new ArrayList<>();
        List<String> why = new ArrayList<>();
        if (preference != Preference.PTX) {
            fatbin(driver, ccMajor, ccMinor, manifest, why).ifPresent(images::add);
        }
        if (preference != Preference.FATBIN) {
            compatPtx(driver, ccMajor, ccMinor, manifest, why).ifPresent(images::add);
        }
        if (!images.isEmpty()) {
            return new KernelImageChoice(images, null);
        }
        String prefix = preference == Preference.AUTO ? "no kernel image loads on " + deviceName + " (compute capability " + cc + ", driver "
                + driver.driver() + "): " : PROPERTY + "=" + preference.name().toLowerCase(Locale.ROOT) + ": ";
        return refuse(prefix + String.join("; ", why));
    }

    private static KernelImageChoice refuse(String reason) {
        return new KernelImageChoice(List.of(), reason);
    }

    /** The fatbin, when the driver takes its SASS for this device or its PTX; else why not, into {@code why}. */
    private static Optional<KernelImage> fatbin(CudaVersion driver, int ccMajor, int ccMinor, KernelManifest manifest, List<String> why) {
        if (manifest.fatbin().isEmpty()) {
            why.add("no fatbin was built");
            return Optional.empty();
        }
        KernelManifest.Fatbin f = manifest.fatbin().get();
        // SASS runs on its own major architecture from its minor up (sm_86 on 8.7, sm_100 on 10.3)
        Optional<String> sass = f.sass().stream().filter(a -> arch(a) / 10 == ccMajor && arch(a) % 10 <= ccMinor)
                .max(Comparator.comparingInt(KernelImageChoice::arch));
        String reason;
        if (sass.isPresent() && driver.atLeast(f.minDriver())) {
            return Optional.of(new KernelImage(KernelImage.Kind.FATBIN, SASS + sass.get(), f.minDriver()));
        }
        reason = sass.isPresent()
                ? "the fatbin's cubins (nvcc " + manifest.nvccVersion() + ") need a driver for " + f.minDriver().orNewer() + ", this is " + driver.driver()
                : "the fatbin holds no SASS for sm_" + ccMajor + ccMinor;
        if (!f.ptx().isEmpty() && arch(f.ptx()) <= 10 * ccMajor + ccMinor) {
            if (driver.atLeast(f.ptxMinDriver())) {
                return Optional.of(new KernelImage(KernelImage.Kind.FATBIN,
                        "fatbin: PTX " + f.ptx() + " (ISA " + f.ptxIsa() + ") JIT-compiled by the driver", f.ptxMinDriver()));
            }
            reason += ", and its PTX " + f.ptx() + " (ISA " + f.ptxIsa() + ") needs a driver for " + f.ptxMinDriver().orNewer();
        } else if (!f.ptx().isEmpty() && sass.isEmpty()) {
            reason += ", and its PTX " + f.ptx() + " is for newer GPUs";
        }
        why.add(reason);
        return Optional.empty();
    }

    private static Optional<KernelImage> compatPtx(CudaVersion driver, int ccMajor, int ccMinor, KernelManifest manifest, List<String> why) {
        if (manifest.ptx().isEmpty()) {
            why.add("no compatibility PTX was built");
            return Optional.empty();
        }
        KernelManifest.CompatPtx p = manifest.ptx().get();
        if (arch(p.arch()) > 10 * ccMajor + ccMinor) {
            why.add("the compatibility PTX is for " + p.arch() + " and newer");
        } else if (!driver.atLeast(p.minDriver())) {
            why.add("the compatibility PTX (ISA " + p.isa() + ") needs a driver for " + p.minDriver().orNewer() + ", this is " + driver.driver());
        } else {
            return Optional.of(new KernelImage(KernelImage.Kind.PTX, "compatibility PTX " + p.arch() + " (ISA " + p.isa() + ") JIT-compiled by the driver",
                    p.minDriver()));
        }
        return Optional.empty();
    }

    /** {@code sm_86} and {@code compute_86} are 86. */
    static int arch(String target) {
        return Integer.parseInt(target.substring(target.indexOf('_') + 1).replaceAll("[^0-9]", ""));
    }
}
