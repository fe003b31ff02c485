package io.tokencost.backend.emu;

import com.sun.jna.Pointer;
import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;

/** A typed buffer in emulated device memory: between PROT_NONE guard pages, with canaries in the slack. */
final class EmuBuffer implements Buffer {

    private final EmuLibrary lib;
    private final DataType type;
    private final long elements;
    private Pointer pointer;

    EmuBuffer(EmuLibrary lib, DataType type, long elements) {
        if (elements < 0 || elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("emulated buffer of " + elements + " elements is outside 0.." + (Integer.MAX_VALUE - 8));
        }
        this.lib = lib;
        this.type = type;
        this.elements = elements;
        this.pointer = lib.tc_emu_alloc(bytes());
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
    public DataType type() {
        return type;
    }

    @Override
    public long elements() {
        return elements;
    }

    @Override
    public void upload(Object hostArray) {
        Buffer.checkHostArray(this, hostArray);
        Pointer p = pointer();
        int n = (int) elements;
        switch (type) {
            case F32 -> p.write(0, (float[]) hostArray, 0, n);
            case F16, BF16 -> p.write(0, (short[]) hostArray, 0, n);
            case I8 -> p.write(0, (byte[]) hostArray, 0, n);
            case U32 -> p.write(0, (int[]) hostArray, 0, n);
        }
    }

    @Override
    public void download(Object hostArray) {
        Buffer.checkHostArray(this, hostArray);
        Pointer p = pointer();
        int n = (int) elements;
        switch (type) {
            case F32 -> p.read(0, (float[]) hostArray, 0, n);
            case F16, BF16 -> p.read(0, (short[]) hostArray, 0, n);
            case I8 -> p.read(0, (byte[]) hostArray, 0, n);
            case U32 -> p.read(0, (int[]) hostArray, 0, n);
        }
    }

    @Override
    public void poison() {
        long bits = Buffer.poisonBits(type);
        switch (type.bytes()) {
            case 4 -> lib.tc_emu_memset32(pointer(), (int) bits, elements);
            case 2 -> {
                short[] fill = new short[(int) elements];
                java.util.Arrays.fill(fill, (short) bits);
                pointer().write(0, fill, 0, fill.length);
            }
            default -> pointer().setMemory(0, elements, (byte) bits);
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
