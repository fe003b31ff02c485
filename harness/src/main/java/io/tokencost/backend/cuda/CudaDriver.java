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
import java.util.LinkedHashMap;
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
     * exists, the kernels were built, and the driver loads them on device 0.
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
            tryLoadKernels(0, manifest.get());
            return Availability.yes();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return Availability.no(nativeReason(e));
        } catch (CudaException e) {
            if (is(e, CUresult.CUDA_ERROR_NO_DEVICE)) {
                return Availability.no("no CUDA device: the NVIDIA driver sees no GPU (CUDA_ERROR_NO_DEVICE)");
            }
            if (is(e, CUDA_ERROR_INSUFFICIENT_DRIVER)) {
                return Availability.no("the NVIDIA driver is too old for this CUDA binding: update the driver (CUDA_ERROR_INSUFFICIENT_DRIVER)");
            }
            return Availability.no("the CUDA driver failed: " + oneLine(e.getMessage()));
        } catch (BackendUnavailableException e) {
            return Availability.no(oneLine(e.getMessage()));
        } catch (RuntimeException e) {
            return Availability.no("the CUDA backend failed to start: " + oneLine(String.valueOf(e)));
        }
    }

    /** Loads every built module in device 0's primary context, then lets the context go. */
    private static void tryLoadKernels(int deviceIndex, KernelManifest manifest) {
        CUdevice device = device(deviceIndex);
        CUcontext context = new CUcontext();
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        try {
            makeCurrent(context);
            for (String module : manifest.kernels()) {
                JCudaDriver.cuModuleUnload(loadModule(module, computeCapability(device), manifest.nvccVersion()).module());
            }
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

    /** cuDriverGetVersion's 13000 as {@code 13.0}: the newest CUDA the driver supports. */
    static String driverVersion() {
        int[] v = {0};
        JCudaDriver.cuDriverGetVersion(v);
        return formatVersion(v[0]);
    }

    static String formatVersion(int cudaVersion) {
        return (cudaVersion / 1000) + "." + (cudaVersion % 1000) / 10;
    }

    /** 2 · memory clock · bus width / 8 (DDR), or 0 where the driver reports neither. */
    static long peakBandwidth(int memoryClockKHz, int busWidthBits) {
        if (memoryClockKHz <= 0 || busWidthBits <= 0) {
            return 0;
        }
        return 2L * memoryClockKHz * 1000L * busWidthBits / 8;
    }

    static DeviceProperties properties(int index, String kernelsCudaVersion) {
        CUdevice device = device(index);
        byte[] nameBytes = new byte[256];
        JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device);
        String name = cString(nameBytes);
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
        details.put("pci_bus_id", pciBusId(device));
        details.put("max_threads_per_sm", String.valueOf(attribute(device, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, 0)));
        details.put("shared_memory_per_block_optin_bytes",
                String.valueOf(attribute(device, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, 0)));
        details.put("kernel_binary", kernelBinary(cc));

        return new DeviceProperties("cuda", index, name, driverVersion(), kernelsCudaVersion, cc, sms, memory[0],
                peakBandwidth(memClockKHz, busWidth), l2, details);
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

    /** {@code sm_90} for compute capability 9.0. */
    static String smArch(String computeCapability) {
        return "sm_" + computeCapability.replace(".", "");
    }

    /** What {@link #loadModule} will load on a device of this compute capability. */
    static String kernelBinary(String computeCapability) {
        String sm = smArch(computeCapability);
        Optional<KernelManifest> m = KernelManifest.load();
        if (m.isEmpty()) {
            return "not built";
        }
        return m.get().cubinArchs().contains(sm) ? sm + " cubin" : m.get().ptxArch() + " ptx (JIT)";
    }

    /** A loaded module and what was loaded: {@code sm_90 cubin} or {@code compute_80 ptx (JIT)}. */
    record Loaded(CUmodule module, String binary) {
    }

    /**
     * Loads a .cu file's module into the current context: the cubin for the device's architecture
     * when one was built and the driver takes it, else the PTX (JIT-compiled by the driver).
     */
    static Loaded loadModule(String name, String computeCapability, String nvccVersion) {
        String sm = smArch(computeCapability);
        Optional<byte[]> cubin = KernelManifest.cubin(name, sm);
        if (cubin.isPresent()) {
            try {
                CUmodule module = new CUmodule();
                JCudaDriver.cuModuleLoadData(module, cubin.get());
                return new Loaded(module, sm + " cubin");
            } catch (CudaException e) {
                // fall through to the PTX, which the driver compiles for this device
            }
        }
        try {
            CUmodule module = new CUmodule();
            JCudaDriver.cuModuleLoadData(module, KernelManifest.ptx(name));
            return new Loaded(module, "ptx (JIT)");
        } catch (CudaException e) {
            if (is(e, CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION)) {
                throw new BackendUnavailableException("kernels built with CUDA " + nvccVersion + ", driver supports "
                        + safeDriverVersion() + ": update the driver (or rebuild the kernels with an older CUDA toolkit)", e);
            }
            if (is(e, CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU) || is(e, CUresult.CUDA_ERROR_INVALID_PTX)) {
                throw new BackendUnavailableException("the driver cannot compile kernel " + name + " for compute capability "
                        + computeCapability + " (" + e.getMessage() + "); the kernels need compute capability 8.0 or newer", e);
            }
            throw new BackendUnavailableException("cannot load kernel module " + name + ": " + e.getMessage(), e);
        }
    }

    private static String safeDriverVersion() {
        try {
            return driverVersion();
        } catch (CudaException e) {
            return "an older version";
        }
    }
}
