package io.tokencost.backend.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Splits an index range over a fixed pool of daemon threads, one per core, in contiguous chunks:
 * each thread streams its own part of memory, so all memory channels stay busy.
 */
public final class CpuParallel implements AutoCloseable {

    /** Work on {@code [from, to)} by worker {@code worker}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int worker, int from, int to);
    }

    private final int threads;
    private final ExecutorService pool;

    public CpuParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "tokencost-cpu");
            t.setDaemon(true);
            return t;
        });
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code task} over {@code [0, n)} elements in chunks of whole 64-element (cache-line-sized) blocks. */
    public void forRange(int n, RangeTask task) {
        forRange(n, 64, task);
    }

    /**
     * Runs {@code task} over {@code [0, n)} split into {@link #threads()} contiguous chunks, each a
     * multiple of {@code align} items (64 for streamed floats; 1 for rows, so every core gets work).
     */
    public void forRange(int n, int align, RangeTask task) {
        long chunk = ((long) n + threads - 1) / threads;
        chunk = (chunk + align - 1) / align * align;
        List<Future<?>> parts = new ArrayList<>(threads);
        for (int w = 0; w < threads; w++) {
            int from = (int) Math.min(n, w * chunk);
            int to = (int) Math.min(n, from + chunk);
            int worker = w;
            parts.add(pool.submit(() -> task.run(worker, from, to)));
        }
        for (Future<?> part : parts) {
            try {
                part.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("CPU kernel failed: " + e.getCause(), e.getCause());
            }
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
