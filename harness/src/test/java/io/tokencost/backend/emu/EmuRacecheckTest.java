package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.Session;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.families.KernelFamilies;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.KernelCheck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared-memory race check (libtokencost_emu_racecheck.so): a planted race is named with its
 * threads and address, and every registered kernel family's check passes under it.
 */
class EmuRacecheckTest {

    @Test
    void aWriteAndAReadOfOneSharedByteBetweenTwoBarriersIsARace() {
        try (EmuSession plain = (EmuSession) new EmuBackend(false).open(0); EmuSession race = (EmuSession) new EmuBackend(true).open(0);
             Buffer out = race.allocateFloats(64); Buffer plainOut = plain.allocateFloats(64)) {
            assertEquals("on: every shared-memory access checked for races", race.device().details().get("racecheck"));
            // without the check the race goes unseen: the warp order decides what is read
            plain.kernelLauncher().orElseThrow().launch("planted_rules", "shared_race", new LaunchConfig(1, 64, 0), plainOut);
            EmuKernelException e = assertThrows(EmuKernelException.class,
                    () -> race.kernelLauncher().orElseThrow().launch("planted_rules", "shared_race", new LaunchConfig(1, 64, 0), out));
            assertTrue(e.getMessage().contains("kernel planted_rules/shared_race, block (0,0,0), thread (")
                    && e.getMessage().contains("shared-memory race: thread ") && e.getMessage().contains("in the same barrier interval (since the block's start): "
                    + "a __shared__ variable, byte "), e.getMessage());
            // lanes of one warp ordered by a shuffle are not a race: read by all, then rewritten by lane 0
            race.kernelLauncher().orElseThrow().launch("planted_rules", "warp_ordered_update", new LaunchConfig(1, 32, 0), out);
            float[] got = new float[64];
            out.download(got);
            assertEquals(1f + 0f + 1f + 1f, got[0]);
        }
    }

    /** Every kernel of every family, on fresh random inputs as verify makes them, with every shared-memory access checked. */
    @Test
    void everyKernelFamilyPassesItsCheckUnderTheRaceCheck() {
        long seed = new SplittableRandom().nextLong();
        try (Session session = new EmuBackend(true).open(0)) {
            List<String> failed = new ArrayList<>();
            int checked = 0;
            for (KernelCheck k : KernelFamilies.checks()) {
                for (CheckResult r : k.check(session, new SplittableRandom(seed))) {
                    checked++;
                    if (!r.passed()) {
                        failed.add(r.key() + ": " + (r.failure() != null ? r.failure() : "max rel error " + r.maxRelError()));
                    }
                }
            }
            assertTrue(checked > 30, "kernels checked: " + checked);
            assertTrue(failed.isEmpty(), "seed " + seed + ":\n" + String.join("\n", failed));
        }
    }
}
