package io.tokencost.backend.cuda;

import io.tokencost.backend.Availability;
import io.tokencost.backend.Backend;
import io.tokencost.backend.BackendUnavailableException;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NVIDIA GPUs through the CUDA driver API (JCuda's driver binding only), running the kernels that
 * the kernels module compiled with nvcc: a fatbin (SASS for Ampere to Blackwell, PTX for later GPUs)
 * where the driver takes it, else the compatibility PTX ({@link KernelImageChoice}).
 * Needs only the NVIDIA driver at run time, not the CUDA toolkit.
 */
public final class CudaBackend implements Backend {

    /** System property forcing the kernels' image: {@code auto} (default), {@code fatbin} or {@code ptx} (an A/B check). */
    public static final String KERNEL_IMAGE_PROPERTY = "tokencost.kernels";

    /** The probe runs once per JVM and forced image ({@value #KERNEL_IMAGE_PROPERTY}): its answer depends on both. */
    private static final Map<String, Availability> PROBES = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "cuda";
    }

    /** Never throws: no driver, no device, kernels not built, driver too old are each one line. */
    @Override
    public Availability availability() {
        try {
            return PROBES.computeIfAbsent(System.getProperty(KERNEL_IMAGE_PROPERTY, "auto"), image -> CudaDriver.probe());
        } catch (Throwable e) {   // the probe catches everything itself; this guards class loading
            return Availability.no("the CUDA backend failed to start: " + CudaDriver.oneLine(String.valueOf(e)));
        }
    }

    @Override
    public List<DeviceProperties> devices() {
        requireAvailable();
        String kernelsCuda = KernelManifest.load().map(KernelManifest::nvccVersion).orElse("");
        List<DeviceProperties> devices = new ArrayList<>();
        for (int i = 0, n = CudaDriver.deviceCount(); i < n; i++) {
            // a session loads the clock probe's module: its properties say which image loaded
            try (CudaSession session = new CudaSession(i)) {
                devices.add(session.device());
            } catch (RuntimeException e) {
                // a GPU this driver cannot serve (or in a compute mode that refuses a context) is still listed, with why
                devices.add(CudaDriver.properties(i, kernelsCuda, "none: " + CudaDriver.oneLine(e.getMessage()), "", List.of()));
            }
        }
        return devices;
    }

    @Override
    public Session open(int deviceIndex) {
        requireAvailable();
        int count = CudaDriver.deviceCount();
        if (deviceIndex < 0 || deviceIndex >= count) {
            throw new IllegalArgumentException("the cuda backend has devices 0.." + (count - 1) + "; got " + deviceIndex);
        }
        return new CudaSession(deviceIndex);
    }

    private void requireAvailable() {
        Availability a = availability();
        if (!a.available()) {
            throw new BackendUnavailableException(a.reason());
        }
    }
}
