package io.tokencost.suite;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.RunnerException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a failed case's line says, from the exceptions JMH hands back: the fork's own cause, not "Benchmark caught the exception". */
class FailureReasonTest {

    private static RunnerException jmh(Throwable forkSide) {
        RuntimeException benchmark = new RuntimeException("Benchmark caught the exception");
        benchmark.addSuppressed(forkSide);
        return new RunnerException("Benchmark caught the exception", benchmark);
    }

    @Test
    void aKilledForkSaysWhichSignal() {
        assertEquals("the fork died by SIGKILL (exit code 137)", FailureReason.of(jmh(new RuntimeException("Forked VM failed with exit code 137"))));
        assertEquals("the fork died by SIGSEGV (exit code 139)", FailureReason.of(jmh(new RuntimeException("Forked VM failed with exit code 139"))));
        assertEquals("the fork exited with code 1", FailureReason.of(jmh(new RuntimeException("Forked VM failed with exit code 1"))));
    }

    @Test
    void memoryCudaAndEmulatorFaultsAreNamed() {
        assertEquals("the fork ran out of Java heap (Java heap space): a smaller --working-set, or more memory",
                FailureReason.of(jmh(new OutOfMemoryError("Java heap space"))));
        assertEquals("CUDA error CUDA_ERROR_ILLEGAL_ADDRESS: cuCtxSynchronize: CUDA_ERROR_ILLEGAL_ADDRESS (a sticky error ends the fork's context: "
                + "the next case gets a new fork)", FailureReason.of(jmh(new IllegalStateException("cuCtxSynchronize: CUDA_ERROR_ILLEGAL_ADDRESS"))));
        String deviceMemory = "the device ran out of memory: a buffer of 90000 MiB asked for, 79000 MiB free of 81559 MiB (CUDA_ERROR_OUT_OF_MEMORY)";
        assertEquals(deviceMemory, FailureReason.of(jmh(new IllegalStateException(deviceMemory))), "not sticky: said as it is");
        assertEquals("the emulated kernel faulted: oob_write: global store out of bounds",
                FailureReason.of(jmh(new io.tokencost.backend.emu.EmuKernelException("oob_write: global store out of bounds"))));
    }

    @Test
    void aTimeoutIsTheWatchdogsOwnWordsAndAnythingElseTheForksMessage() {
        assertEquals("timed out: …", FailureReason.of(new CaseFailedException("timed out: …", jmh(new RuntimeException("Forked VM failed with exit code 137")))));
        assertEquals("qgemv: no such kernel", FailureReason.of(jmh(new IllegalArgumentException("qgemv: no such kernel\n\tat somewhere"))));
        assertEquals("qgemv: no such kernel", FailureReason.of(jmh(new RuntimeException(new IllegalArgumentException("qgemv: no such kernel")))),
                "no class names that a wrapper put in front");
        assertEquals("the fork failed without a message (its log: jmh.log in the run folder)",
                FailureReason.of(new RunnerException("Benchmark error", new RuntimeException("Benchmark caught the exception"))));
    }
}
