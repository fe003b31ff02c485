package io.tokencost.backend.emu;

/** A kernel that faulted, deadlocked or wrote out of bounds in the emulation. */
public class EmuKernelException extends RuntimeException {
    public EmuKernelException(String message) {
        super(message);
    }
}
