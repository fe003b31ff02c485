package io.tokencost.backend.cuda;

import io.tokencost.backend.Availability;
import io.tokencost.backend.BackendUnavailableException;
import io.tokencost.backend.DeviceProperties;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static jcuda.driver.CUdevice_attribute.*;

/**
 * The CUDA driver API through JCuda (driver only: no runtime API, no NVRTC), with the one-line
 * reasons the backend reports when it cannot run. Every JCuda failure is a {@link CudaException}
 * whose message is the CUresult name.
 */
final class CudaDriver {

    /** cuda.h's CUDA_ERROR_INSUFFICIENT_DRIVER, which JCuda's CUresult lacks. */
    static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;
    static final String NO_DRIVER = "no NVIDIA driver: libcuda.so.1 not found";

    private CudaDriver() {
    }

    /** Loads JCuda's native library (and so libcuda.so.1) and calls cuInit; safe to repeat. */
    static void init() {
        JCudaDriver.setExceptionsEnabled(true);
        JCudaDriver.cuInit(0);
    }

    /** Whether a JCuda failure is this CUresult. */
    static boolean is(CudaException e, int cuResult) {
        return CUresult.stringFor(cuResult).equals(e.getMessage());
    }

    /**
     * Finds out, without throwing, whether kernels can run: the native library loads, a device
     * exists, the kernels were built, an image suits some GPU and the driver, and the driver loads
     * the clock probe (which every measurement uses) there. A family whose own module fails later
     * is reported by its check and left out; the others still run.
     */
    static Availability probe() {
        try {
            init();
            int[] count = {0};
            JCudaDriver.cuDeviceGetCount(count);
            if (count[0] == 0) {
                return Availability.no("no CUDA device: the NVIDIA driver sees no GPU");
            }
            Optional<KernelManifest> manifest = KernelManifest.load();
            if (manifest.isEmpty()) {
                return Availability.no(KernelManifest.NOT_BUILT);
            }
            // available when some GPU can run the kernels; each GPU's own refusal comes again when it is opened
            Map<String, List<Integer>> refusals = new LinkedHashMap<>();
            for (int i = 0; i < count[0]; i++) {
                KernelImageChoice choice = choice(i, manifest.get());
                String reason = choice.refusal();
                if (reason == null) {
                    try {
                        tryLoadClockProbe(i, choice);
                        return Availability.yes();
                    } catch (BackendUnavailableException e) {
                        reason = oneLine(e.getMessage());
                    } catch (CudaException e) {
                        reason = "the CUDA driver failed: " + oneLine(e.getMessage());
                    }
                }
                refusals.computeIfAbsent(reason, r -> new ArrayList<>()).add(i);
            }
            return Availability.no(refusals.size() == 1 ? refusals.keySet().iterator().next()
                    : String.join("; ", refusals.entrySet().stream().map(e -> "GPU " + e.getValue().stream().map(String::valueOf)
                            .collect(java.util.stream.Collectors.joining(", ")) + ": " + e.getKey()).toList()));
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return Availability.no(nativeReason(e));
        } catch (CudaException e) {
            if (is(e, CUresult.CUDA_ERROR_NO_DEVICE)) {
                return Availability.no("no CUDA device: the NVIDIA driver sees no GPU (CUDA_ERROR_NO_DEVICE)");
            }
            if (is(e, CUDA_ERROR_INSUFFICIENT_DRIVER)) {
                return Availability.no("the NVIDIA driver is too old for this CUDA binding: the kernels need a driver for "
                        + KernelImageChoice.BINDING_MIN.orNewer() + " (CUDA_ERROR_INSUFFICIENT_DRIVER)");
            }
            return Availability.no("the CUDA driver failed: " + oneLine(e.getMessage()));
        } catch (BackendUnavailableException | IllegalArgumentException e) {
            return Availability.no(oneLine(e.getMessage()));
        } catch (RuntimeException e) {
            return Availability.no("the CUDA backend failed to start: " + oneLine(String.valueOf(e)));
        }
    }

    /** Which image device {@code index} loads under this driver ({@link KernelImageChoice#preference()} included). */
    static KernelImageChoice choice(int index, KernelManifest manifest) {
        CUdevice device = device(index);
        return KernelImageChoice.choose(driverCudaVersion(), attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR), name(device), manifest, KernelImageChoice.preference());
    }

    /** Loads the clock probe's module in the device's primary context, then lets the context go. */
    private static void tryLoadClockProbe(int deviceIndex, KernelImageChoice choice) {
        CUdevice device = device(deviceIndex);
        CUcontext context = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        try {
            makeCurrent(context);
            JCudaDriver.cuModuleUnload(loadModule(CudaSession.CLOCK_PROBE_MODULE, choice).module());
        } finally {
            forgetCurrent();
            JCudaDriver.cuDevicePrimaryCtxRelease(device);
        }
    }

    /** The context this class last made current on each thread (only this package sets contexts). */
    private static final ThreadLocal<CUcontext> CURRENT = new ThreadLocal<>();

    /** Makes {@code context} current on the calling thread, skipping the driver call when it already is. */
    static void makeCurrent(CUcontext context) {
        if (CURRENT.get() != context) {
            JCudaDriver.cuCtxSetCurrent(context);
            CURRENT.set(context);
        }
    }

    /** After a context is released: the next {@link #makeCurrent} calls the driver again. */
    static void forgetCurrent() {
        CURRENT.remove();
    }

    static String nativeReason(Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("libcuda")) {
            return NO_DRIVER;
        }
        if (message.contains("JCudaDriver-")) {
            return "JCuda's native library (lib/libJCudaDriver-*.so) is missing from the classpath or cannot load: " + oneLine(message);
        }
        return "the CUDA driver binding cannot load: " + oneLine(e.toString());
    }

    static String oneLine(String s) {
        String line = s == null ? "" : s.strip();
        int nl = line.indexOf('\n');
        return (nl < 0 ? line : line.substring(0, nl)).strip();
    }

    static CUdevice device(int index) {
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, index);
        return device;
    }

    static int deviceCount() {
        int[] count = {0};
        JCudaDriver.cuDeviceGetCount(count);
        return count[0];
    }

    /** An attribute, or {@code fallback} where this driver does not report it. */
    static int attribute(CUdevice device, int attribute, int fallback) {
        try {
            int[] value = {0};
            JCudaDriver.cuDeviceGetAttribute(value, attribute, device);
            return value[0];
        } catch (CudaException e) {
            return fallback;
        }
    }

    static int attribute(CUdevice device, int attribute) {
        int[] value = {0};
        JCudaDriver.cuDeviceGetAttribute(value, attribute, device);
        return value[0];
    }

    /** {@code 9.0} for Hopper. */
    static String computeCapability(CUdevice device) {
        return attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR) + "."
                + attribute(device, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    }

    /** The newest CUDA the driver supports (cuDriverGetVersion's 13000 is 13.0). */
    static CudaVersion driverCudaVersion() {
        int[] v = {0};
        JCudaDriver.cuDriverGetVersion(v);
        return CudaVersion.ofDriverApi(v[0]);
    }

    /** 2 · memory clock · bus width / 8 (DDR), or 0 where the driver reports neither. */
    static long peakBandwidth(int memoryClockKHz, int busWidthBits) {
        if (memoryClockKHz <= 0 || busWidthBits <= 0) {
            return 0;
        }
        return 2L * memoryClockKHz * 1000L * busWidthBits / 8;
    }

    static String name(CUdevice device) {
        byte[] nameBytes = new byte[256];
        JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device);
        return cString(nameBytes);
    }

    /**
     * The device's properties; {@code kernelImage} is what its modules load ({@link KernelImage#loads()},
     * or why none does), {@code refused} why the driver refused an image before it (empty when it did
     * not) and {@code spills} the kernels whose SASS for it spills registers.
     */
    static DeviceProperties properties(int index, String kernelsCudaVersion, String kernelImage, String refused, List<String> spills) {
        CUdevice device = device(index);
        String name = name(device);
        long[] memory = {0};
        JCudaDriver.cuDeviceTotalMem(memory, device);
        int sms = attribute(device, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        int smClockKHz = attribute(device, CU_DEVICE_ATTRIBUTE_CLOCK_RATE, 0);
        int memClockKHz = attribute(device, CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE, 0);
        int busWidth = attribute(device, CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH, 0);
        int l2 = attribute(device, CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE, 0);
        String cc = computeCapability(device);

        Map<String, String> details = new LinkedHashMap<>();
        details.put("sm_clock_max_mhz", String.valueOf(smClockKHz / 1000));
        details.put("memory_clock_max_mhz", String.valueOf(memClockKHz / 1000));
        details.put("memory_bus_width_bits", String.valueOf(busWidth));
        details.put("l2_bytes", String.valueOf(l2));
        details.put("ecc_enabled", String.valueOf(attribute(device, CU_DEVICE_ATTRIBUTE_ECC_ENABLED, 0) != 0));
        String pciBusId = pciBusId(device);
        details.put("pci_bus_id", pciBusId);
        details.put("gpu_uuid", uuid(device));
        details.put("gpu_serial", NvmlSerial.of(pciBusId));
        details.put("max_threads_per_sm", String.valueOf(attribute(device, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, 0)));
        details.put("shared_memory_per_block_optin_bytes",
                String.valueOf(attribute(device, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 0)));
        CudaVersion driver = driverCudaVersion();
        details.put("nvidia_driver", NvidiaDriver.describe(driver));
        details.put(DeviceProperties.KERNEL_IMAGE, kernelImage);
        if (!refused.isEmpty()) {
            details.put("kernel_image_refused", refused);
        }
        if (!spills.isEmpty()) {
            details.put("kernel_spills", spills.size() + " kernels spill registers in this SASS: " + String.join(", ", spills));
        }

        return new DeviceProperties("cuda", index, name, driver.toString(), kernelsCudaVersion, cc, sms, memory[0],
                peakBandwidth(memClockKHz, busWidth), l2, details);
    }

    /** The GPU's UUID as nvidia-smi and the NVIDIA container toolkit name it ({@code GPU-8-4-4-4-12} hex); empty where the driver does not say. */
    private static String uuid(CUdevice device) {
        try {
            jcuda.driver.CUuuid id = new jcuda.driver.CUuuid();
            JCudaDriver.cuDeviceGetUuid(id, device);
            return formatUuid(id.bytes);
        } catch (CudaException | UnsatisfiedLinkError e) {
            return "";
        }
    }

    static String formatUuid(byte[] bytes) {
        StringBuilder hex = new StringBuilder();
        for (byte b : bytes) {
            hex.append(String.format(Locale.ROOT, "%02x", b & 0xff));
        }
        String h = hex.toString();
        return h.length() != 32 ? "" : "GPU-" + h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }

    private static String pciBusId(CUdevice device) {
        try {
            String[] id = {""};
            JCudaDriver.cuDeviceGetPCIBusId(id, 64, device);
            return cString(id[0].getBytes(StandardCharsets.US_ASCII)).toLowerCase(Locale.ROOT);
        } catch (CudaException e) {
            return String.format(Locale.ROOT, "%04x:%02x:%02x.0", attribute(device, CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID, 0),
                    attribute(device, CU_DEVICE_ATTRIBUTE_PCI_BUS_ID, 0), attribute(device, CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID, 0));
        }
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8).strip();
    }

    /** A loaded module, the image it was loaded from, and why the driver refused the images before it (empty when none). */
    record Loaded(CUmodule module, KernelImage image, String refused) {

        String describe() {
            return image.loads() + (refused.isEmpty() ? "" : " (" + refused + ")");
        }
    }

    /**
     * Loads a .cu file's module into the current context: the choice's first image the driver takes.
     * An image refused is followed by the next (auto only) and named in what was loaded; when every
     * image is refused, the reason names the module, and for an unsupported PTX version (error 222)
     * the driver version the image needs and the one this is.
     */
    static Loaded loadModule(String name, KernelImageChoice choice) {
        if (choice.refused()) {
            throw new BackendUnavailableException(choice.refusal());
        }
        List<String> refused = new ArrayList<>();
        for (KernelImage image : choice.candidates()) {
            try {
                CUmodule module = new CUmodule();
                JCudaDriver.cuModuleLoadData(module, KernelManifest.image(name, image.kind()));
                return new Loaded(module, image, String.join("; ", refused));
            } catch (CudaException e) {
                refused.add(refusal(name, image, e));
            }
        }
        throw new BackendUnavailableException("cannot load kernel module " + name + ": " + String.join("; ", refused));
    }

    private static String refusal(String module, KernelImage image, CudaException e) {
        String what = module + image.kind().suffix();
        if (is(e, CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION)) {
            return what + " needs a driver for " + image.minDriver().orNewer() + ", this is " + safeDriverVersion() + " (" + e.getMessage() + ")";
        }
        if (is(e, CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU) || is(e, CUresult.CUDA_ERROR_INVALID_PTX)) {
            return "the driver cannot compile " + what + " for this GPU (" + e.getMessage() + ")";
        }
        return what + " refused: " + e.getMessage();
    }

    private static String safeDriverVersion() {
        try {
            return driverCudaVersion().driver();
        } catch (CudaException e) {
            return "an older version";
        }
    }
}
