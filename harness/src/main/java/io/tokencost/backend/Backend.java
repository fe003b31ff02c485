package io.tokencost.backend;

import java.util.List;

/**
 * A place kernels run: the CPU, a CUDA GPU, or the CPU emulation of the CUDA kernels.
 * Cheap to construct; {@link #availability()} says whether it can be used here and, if not, why.
 * <pre>{@code
 * try (Session s = Backends.byId("cpu").open(0)) {
 *   Buffer a = s.allocateFloats(1 << 20); ...
 * }
 * }</pre>
 */
public interface Backend {

    /** The id users type: {@code cpu}, {@code cuda}, {@code emu}. */
    String id();

    /** Available, or the one-line reason it is not (no driver, no device, kernels not built...). */
    Availability availability();

    /** Every device this backend can open, with its properties. Throws when unavailable. */
    List<DeviceProperties> devices();

    /** Opens a session on one device: buffers, kernels and timers live inside it. */
    Session open(int deviceIndex);
}
