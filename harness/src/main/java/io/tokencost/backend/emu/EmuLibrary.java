package io.tokencost.backend.emu;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The emulation library built from kernels/emu (libtokencost_emu.so on the classpath): guarded
 * allocations and a cuLaunchKernel-shaped launch of the host-compiled kernels.
 */
interface EmuLibrary extends Library {

    String NAME = "tokencost_emu";
    /** The same kernels with every memory access reported to the shared-memory race check. */
    String RACECHECK_NAME = "tokencost_emu_racecheck";

    static EmuLibrary load(boolean racecheck) {
        return Native.load(racecheck ? RACECHECK_NAME : NAME, EmuLibrary.class);
    }

    Pointer tc_emu_alloc(long bytes);

    void tc_emu_free(Pointer ptr);

    void tc_emu_memset32(Pointer ptr, int value, long count);

    int tc_emu_kernel_count();

    String tc_emu_kernel_name(int index);

    String tc_emu_last_error();

    /** args: an array of pointers, the i-th pointing at the i-th kernel argument (cuLaunchKernel's kernelParams). */
    int tc_emu_launch(String module, String function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                      int sharedBytes, Pointer args);
}
