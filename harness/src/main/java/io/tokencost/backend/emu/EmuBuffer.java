package io.tokencost.backend.emu;

import com.sun.jna.Pointer;
import io.tokencost.backend.Buffer;

/** A buffer in emulated device memory: between PROT_NONE guard pages, with canaries in the slack. */
final class EmuBuffer implements Buffer {

    private static final int NAN_BITS = 0x7fc00000;

    private final EmuLibrary lib;
    private final long elements;
    private Pointer pointer;

    EmuBuffer(EmuLibrary lib, long elements) {
        if (elements < 0 || elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("emulated buffer of " + elements + " floats is outside 0.." + (Integer.MAX_VALUE - 8));
        }
        this.lib = lib;
        this.elements = elements;
        this.pointer = lib.tc_emu_alloc(elements * Float.BYTES);
        if (pointer == null) {
            throw new IllegalStateException("emulation: " + lib.tc_emu_last_error());
        }
    }

    static EmuBuffer of(Buffer b) {
        if (!(b instanceof EmuBuffer e)) {
            throw new IllegalArgumentException("buffer belongs to another backend: " + b.getClass().getSimpleName());
        }
        return e;
    }

    Pointer pointer() {
        if (pointer == null) {
            throw new IllegalStateException("emulated buffer is closed");
        }
        return pointer;
    }

    @Override
    public long elements() {
        return elements;
    }

    @Override
    public void upload(float[] src) {
        checkLength(src);
        pointer().write(0, src, 0, src.length);
    }

    @Override
    public void download(float[] dst) {
        checkLength(dst);
        pointer().read(0, dst, 0, dst.length);
    }

    @Override
    public void poison() {
        lib.tc_emu_memset32(pointer(), NAN_BITS, elements);
    }

    private void checkLength(float[] host) {
        if (host.length != elements) {
            throw new IllegalArgumentException("host array has " + host.length + " floats, buffer " + elements);
        }
    }

    @Override
    public void close() {
        if (pointer != null) {
            lib.tc_emu_free(pointer);
            pointer = null;
        }
    }
}
