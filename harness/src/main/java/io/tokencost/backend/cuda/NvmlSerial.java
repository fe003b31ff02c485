package io.tokencost.backend.cuda;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.nio.charset.StandardCharsets;

/**
 * A GPU's board serial number from NVML (libnvidia-ml, which ships with the driver), found by its
 * PCI bus id: what tells two boards of a fleet apart after a node's GPUs were swapped. Empty where
 * NVML is not there or the board does not report one (consumer boards, some virtual GPUs).
 */
final class NvmlSerial {

    /** The NVML calls used; each returns an nvmlReturn_t (0 = success). */
    interface Nvml extends Library {
        int nvmlInit_v2();

        int nvmlDeviceGetHandleByPciBusId_v2(String pciBusId, PointerByReference device);

        int nvmlDeviceGetSerial(Pointer device, byte[] serial, int length);
    }

    /** NVML_DEVICE_SERIAL_BUFFER_SIZE. */
    private static final int LENGTH = 30;

    private NvmlSerial() {
    }

    static String of(String pciBusId) {
        try {
            Nvml nvml = Native.load("nvidia-ml", Nvml.class);
            PointerByReference device = new PointerByReference();
            byte[] serial = new byte[LENGTH];
            if (nvml.nvmlInit_v2() != 0 || nvml.nvmlDeviceGetHandleByPciBusId_v2(pciBusId, device) != 0
                    || nvml.nvmlDeviceGetSerial(device.getValue(), serial, LENGTH) != 0) {
                return "";
            }
            int end = 0;
            while (end < LENGTH && serial[end] != 0) {
                end++;
            }
            return new String(serial, 0, end, StandardCharsets.US_ASCII).trim();
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return "";
        }
    }
}
