package io.tokencost.backend.emu;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import io.tokencost.backend.Buffer;
import io.tokencost.backend.cuda.KernelArguments;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link KernelLauncher} on the emulation library: the arguments are marshalled exactly as
 * cuLaunchKernel takes them (an array of pointers to each argument's value), so the CUDA backend's
 * host code runs unchanged. Launches are synchronous; a fault, deadlock or out-of-bounds write in
 * the kernel is an {@link EmuKernelException} naming it.
 */
final class EmuLauncher implements KernelLauncher {

    private final EmuLibrary lib;
    /** Launches being recorded instead of run ({@link EmuSession#capture}); null: run them. */
    private List<Runnable> recording;

    EmuLauncher(EmuLibrary lib) {
        this.lib = lib;
    }

    /** Until {@link #stopRecording}, launches are kept, not run: what a CUDA stream capture does. */
    void startRecording() {
        recording = new ArrayList<>();
    }

    /** The launches recorded since {@link #startRecording}, each one rerunnable. */
    List<Runnable> stopRecording() {
        List<Runnable> recorded = List.copyOf(recording);
        recording = null;
        return recorded;
    }

    @Override
    public void launch(String module, String function, LaunchConfig config, Object... args) {
        if (recording != null) {
            Object[] kept = args.clone();
            recording.add(() -> run(module, function, config, kept));
            return;
        }
        run(module, function, config, args);
    }

    private void run(String module, String function, LaunchConfig config, Object... args) {
        Memory[] values = new Memory[args.length];
        Memory params = new Memory((long) Math.max(1, args.length) * Native.POINTER_SIZE);
        for (int i = 0; i < args.length; i++) {
            values[i] = marshal(args[i], module, function, i);
            params.setPointer((long) i * Native.POINTER_SIZE, values[i]);
        }
        int rc = lib.tc_emu_launch(module, function, config.gridX(), 1, 1, config.blockX(), 1, 1, config.sharedBytes(), params);
        // the kernel read the values through params until the call returned: keep them from the Cleaner till here
        java.lang.ref.Reference.reachabilityFence(values);
        java.lang.ref.Reference.reachabilityFence(params);
        if (rc != 0) {
            throw new EmuKernelException(module + "/" + function + " failed in emulation: " + lib.tc_emu_last_error());
        }
    }

    /** Native memory holding the argument's value, as cuLaunchKernel's kernelParams[i] points at it. */
    private static Memory marshal(Object arg, String module, String function, int index) {
        return KernelArguments.encode(arg, new KernelArguments.Encoder<>() {
            @Override
            public Memory buffer(Buffer b, long byteOffset) {
                Memory m = new Memory(Native.POINTER_SIZE);
                m.setPointer(0, EmuBuffer.of(b).pointer().share(byteOffset));
                return m;
            }

            @Override
            public Memory f32(float v) {
                Memory m = new Memory(Float.BYTES);
                m.setFloat(0, v);
                return m;
            }

            @Override
            public Memory i64(long v) {
                Memory m = new Memory(Long.BYTES);
                m.setLong(0, v);
                return m;
            }

            @Override
            public Memory i32(int v) {
                Memory m = new Memory(Integer.BYTES);
                m.setInt(0, v);
                return m;
            }
        }, module, function, index);
    }
}
