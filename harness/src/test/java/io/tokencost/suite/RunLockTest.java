package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunLockTest {

    private static final DeviceProperties HOST = new DeviceProperties("cpu", 0, "AMD EPYC", "", "", "", 2, 24L << 30, 0, 32L << 20, Map.of());

    private static DeviceProperties gpu(String uuid) {
        return new DeviceProperties("cuda", 0, "NVIDIA H100 80GB HBM3", "", "", "9.0", 132, 80L << 30, 3_350_000_000_000L, 50L << 20,
                Map.of("gpu_uuid", uuid));
    }

    @TempDir
    Path dir;

    /** Two array tasks each see their GPU as cuda:0: the UUID tells them apart; the host's cores are one device. */
    @Test
    void aGpuIsLockedByItsUuidAndTheCpuByTheHost() {
        assertEquals("tokencost-GPU-aa.lock", RunLock.name(gpu("GPU-aa")));
        assertEquals("tokencost-cuda0.lock", RunLock.name(gpu("")));
        assertEquals("tokencost-host.lock", RunLock.name(HOST));
    }

    /** A second run on the same device waits for the first, saying so; on another GPU it does not wait. */
    @Test
    void aSecondRunOnTheDeviceWaitsForTheFirst() throws Exception {
        StringWriter said = new StringWriter();
        try (RunLock first = RunLock.acquire(gpu("GPU-aa"), dir, new PrintWriter(said))) {
            try (RunLock other = RunLock.acquire(gpu("GPU-bb"), dir, new PrintWriter(said))) {
                assertEquals("", said.toString(), "another GPU: no wait");
            }
            // a FileLock is per JVM: the second run is another process, as it is in a job array
            Process second = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                    "io.tokencost.suite.RunLockTest$Second", dir.toString()).redirectErrorStream(true).start();
            Thread.sleep(1500);
            assertTrue(second.isAlive(), "the second run waits while the first holds the GPU");
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(second.getInputStream().readAllBytes());
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            first.close();
            assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            String text = out.get(10, TimeUnit.SECONDS);
            assertTrue(text.contains("another tokencost run measures this GPU") && text.contains("locked"), text);
            assertFalse(second.isAlive());
        }
    }

    /** The second run, in its own JVM: takes the lock and says when it has it. */
    public static final class Second {
        public static void main(String[] args) {
            PrintWriter out = new PrintWriter(System.out, true);
            try (RunLock lock = RunLock.acquire(gpu("GPU-aa"), Path.of(args[0]), out)) {
                out.println("locked");
            }
        }
    }
}
