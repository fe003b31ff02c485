package io.tokencost.backend.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's contract: every index once, every worker index once per call (empty chunks too), failures reported, parked workers woken, idle workers' chunks run by the caller. */
class CpuParallelTest {

    @Test
    void everyIndexRunsOnceAndEveryWorkerOncePerCall() {
        try (CpuParallel p = new CpuParallel(4)) {
            for (int n : new int[] {0, 1, 3, 5, 64, 1000, 4097}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                AtomicIntegerArray workers = new AtomicIntegerArray(4);
                p.forRange(n, 1, (w, from, to) -> {
                    workers.incrementAndGet(w);
                    assertTrue(from <= to, from + ".." + to);
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of " + n);
                }
                for (int w = 0; w < 4; w++) {
                    assertEquals(1, workers.get(w), "worker " + w + " at n=" + n);
                }
            }
        }
    }

    @Test
    void chunksAreWholeAlignedBlocksInOrder() {
        try (CpuParallel p = new CpuParallel(3)) {
            int[] firsts = new int[3];
            int[] lasts = new int[3];
            p.forRange(1000, (w, from, to) -> {
                firsts[w] = from;
                lasts[w] = to;
            });
            // ceil(1000 / 3) = 334, rounded up to 384 (6 blocks of 64)
            assertEquals(0, firsts[0]);
            assertEquals(384, lasts[0]);
            assertEquals(384, firsts[1]);
            assertEquals(768, lasts[1]);
            assertEquals(768, firsts[2]);
            assertEquals(1000, lasts[2]);
        }
    }

    @Test
    void aFailingChunkFailsTheCallAndThePoolStaysUsable() {
        try (CpuParallel p = new CpuParallel(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.forRange(100, 1, (w, from, to) -> {
                if (w == 1) {
                    throw new ArithmeticException("boom in worker 1");
                }
            }));
            assertTrue(e.getMessage().contains("boom in worker 1"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> p.forRange(100, 1, (w, from, to) -> {
                throw new ArithmeticException("boom in the caller's chunk");
            }));
            int[] sum = new int[1];
            p.forRange(10, 1, (w, from, to) -> {
                synchronized (sum) {
                    sum[0] += to - from;
                }
            });
            assertEquals(10, sum[0]);
        }
    }

    /** Past the spin time the workers park; the next call must wake them, not hang or run their chunks nowhere. */
    @Test
    void parkedWorkersWakeForTheNextCall() throws InterruptedException {
        try (CpuParallel p = new CpuParallel(3)) {
            for (int round = 0; round < 3; round++) {
                Thread.sleep(CpuParallel.SPIN_NANOS / 1_000_000 * 5);
                AtomicIntegerArray hits = new AtomicIntegerArray(300);
                p.forRange(300, 1, (w, from, to) -> {
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 300; i++) {
                    assertEquals(1, hits.get(i));
                }
            }
        }
    }

    /** A worker without a core (the JIT or another process has it) must not hold the call up: the caller runs its chunk. */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a caller that only waits hangs here
    void theCallerRunsTheChunksOfWorkersThatNeverRun() {
        try (CpuParallel p = CpuParallel.withIdleWorkers(3)) {
            for (int round = 0; round < 3; round++) {
                AtomicIntegerArray hits = new AtomicIntegerArray(300);
                AtomicIntegerArray workers = new AtomicIntegerArray(3);
                Thread caller = Thread.currentThread();
                p.forRange(300, 1, (w, from, to) -> {
                    assertSame(caller, Thread.currentThread(), "worker " + w + "'s chunk");
                    workers.incrementAndGet(w);
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < 300; i++) {
                    assertEquals(1, hits.get(i), "index " + i);
                }
                for (int w = 0; w < 3; w++) {
                    assertEquals(1, workers.get(w), "worker " + w);
                }
            }
        }
    }

    /** Workers and the caller race to claim each chunk, call after call: each chunk must still run exactly once. */
    @Test
    void aChunkRunsOnceWhenWorkerAndCallerRaceForIt() {
        Random random = new Random(11);
        try (CpuParallel p = new CpuParallel(3)) {
            for (int call = 0; call < 20_000; call++) {
                int n = 1 + random.nextInt(12);
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                AtomicIntegerArray workers = new AtomicIntegerArray(3);
                p.forRange(n, 1, (w, from, to) -> {
                    workers.incrementAndGet(w);
                    for (int i = from; i < to; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of " + n + " in call " + call);
                }
                for (int w = 0; w < 3; w++) {
                    assertEquals(1, workers.get(w), "worker " + w + " in call " + call);
                }
            }
        }
    }

    @Test
    void aClosedPoolAndANestedCallAreRefused() {
        CpuParallel p = new CpuParallel(2);
        IllegalStateException nested = assertThrows(IllegalStateException.class, () -> p.forRange(4, 1, (w, from, to) -> {
            if (w == 0) {
                p.forRange(4, 1, (w2, f2, t2) -> { });
            }
        }));
        assertTrue(nested.getMessage().contains("inside a range task"), nested.getMessage());
        // from a worker's chunk: refused, not a deadlock on the lock the waiting caller holds
        IllegalStateException fromWorker = assertThrows(IllegalStateException.class, () -> p.forRange(4, 1, (w, from, to) -> {
            if (w == 1) {
                p.forRange(4, 1, (w2, f2, t2) -> { });
            }
        }));
        assertTrue(fromWorker.getMessage().contains("inside a range task"), fromWorker.getMessage());
        p.close();
        assertThrows(IllegalStateException.class, () -> p.forRange(4, 1, (w, from, to) -> { }));
    }
}
