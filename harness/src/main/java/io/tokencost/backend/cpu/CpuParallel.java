package io.tokencost.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits an index range over one thread per core, in contiguous chunks: each thread streams its
 * own part of memory, so all memory channels stay busy. The calling thread takes chunk 0 and
 * {@code threads - 1} workers the rest.
 *
 * <p>Idle workers spin for {@link #SPIN_NANOS} before they park (yielding the core between checks
 * after the first {@link #YIELD_AFTER_NANOS}), as llama.cpp's and OpenMP's active-wait pools do: a
 * model step launches hundreds of kernels one after another, and waking a parked thread (on a VM:
 * an idle vCPU) took about as long as a 2 MB product itself, so the step's small products ran
 * 1.3–1.9x slower than the same products timed back to back.
 *
 * <p>A worker claims its chunk before it runs it, and the calling thread, done with its own, runs
 * every chunk no worker has claimed yet; it also yields its core while it waits. Why: with one
 * thread per core, any third runnable thread (the JIT compiler, the GC, another process) leaves a
 * worker without a core, and the caller used to spin on until the scheduler's tick (4 ms) let that
 * worker run. On the 2-vCPU EPYC VM, with one other busy thread, an int4 2048 x 2048 product's mean
 * launch went from 165 µs to 807 µs that way, and the JIT compiling after warm-up gave rows 4 ms
 * launches in runs of twenty.
 */
public final class CpuParallel implements AutoCloseable {

    /** Work on {@code [from, to)} by worker {@code worker}. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int worker, int from, int to);
    }

    /** How long an idle worker waits spinning for its next chunk before it parks: longer than a step's gaps between kernels. */
    static final long SPIN_NANOS = 2_000_000;
    /** Spinning past this yields the core between checks. */
    static final long YIELD_AFTER_NANOS = 50_000;

    private final int threads;
    private final Worker[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;
    private Thread running;

    public CpuParallel(int threads) {
        this(threads, true);
    }

    /** A pool whose workers never get a core (tests): every chunk is the caller's to claim. */
    static CpuParallel withIdleWorkers(int threads) {
        return new CpuParallel(threads, false);
    }

    private CpuParallel(int threads, boolean startWorkers) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            Thread t = new Thread(workers[i], "tokencost-cpu-" + (i + 1));
            t.setDaemon(true);
            workers[i].thread = t;
            if (startWorkers) {
                t.start();
            }
        }
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
     * Every worker index runs once, empty chunks included (on the calling thread), so per-worker
     * outputs are always written.
     */
    public void forRange(int n, int align, RangeTask task) {
        for (Worker w : workers) {
            if (w.thread == Thread.currentThread()) {
                // checked before the lock, which the waiting caller holds
                throw new IllegalStateException("forRange called from inside a range task");
            }
        }
        synchronized (this) {
            run(n, align, task);
        }
    }

    private void run(int n, int align, RangeTask task) {
        if (closed) {
            throw new IllegalStateException("the CPU session is closed");
        }
        if (running != null) {
            throw new IllegalStateException("forRange called from inside a range task");
        }
        running = Thread.currentThread();
        try {
            long chunk = ((long) n + threads - 1) / threads;
            chunk = (chunk + align - 1) / align * align;
            failure.set(null);
            for (Worker w : workers) {
                int from = (int) Math.min(n, w.index * chunk);
                int to = (int) Math.min(n, from + chunk);
                if (from < to) {
                    pending.incrementAndGet();
                    w.assign(task, from, to);
                } else {
                    runChunk(task, w.index, from, from);   // an empty chunk here: no worker to wake
                }
            }
            runChunk(task, 0, 0, (int) Math.min(n, chunk));
            for (Worker w : workers) {
                w.runIfUnclaimed();
            }
            awaitWorkers();
            Throwable t = failure.get();
            if (t != null) {
                throw new IllegalStateException("CPU kernel failed: " + t, t);
            }
        } finally {
            running = null;
        }
    }

    private void runChunk(RangeTask task, int worker, int from, int to) {
        try {
            task.run(worker, from, to);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** Waits for the chunks workers claimed; past {@link #YIELD_AFTER_NANOS}, a worker may be waiting for our core. */
    private void awaitWorkers() {
        long start = 0;
        int spins = 0;
        while (pending.get() > 0) {
            if ((++spins & 0xff) != 0) {
                Thread.onSpinWait();
            } else if (start == 0) {
                start = System.nanoTime();
            } else if (System.nanoTime() - start > YIELD_AFTER_NANOS) {
                Thread.yield();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    /**
     * One worker: spins on its own assignment counter, parks after {@link #SPIN_NANOS} idle. Each
     * assignment is run by whichever of the worker and the caller claims it first.
     */
    private final class Worker implements Runnable {
        final int index;
        Thread thread;
        // written before the volatile write of assigned, read after its volatile read
        private RangeTask task;
        private int from;
        private int to;
        private volatile long assigned;
        /** The last assignment claimed, by this worker or by the caller: claiming a is a CAS from a - 1. */
        private final AtomicLong claimed = new AtomicLong();
        private volatile boolean parked;
        /** The assignments this worker has seen, run or claimed by the caller (its own thread's). */
        private long done;

        Worker(int index) {
            this.index = index;
        }

        void assign(RangeTask task, int from, int to) {
            this.task = task;
            this.from = from;
            this.to = to;
            assigned = assigned + 1;   // the caller is its only writer
            if (parked) {
                LockSupport.unpark(thread);
            }
        }

        /** The caller's side: runs the current assignment here unless the worker has claimed it. */
        void runIfUnclaimed() {
            long a = assigned;
            if (a > 0) {
                claimAndRun(a, task, from, to);
            }
        }

        @Override
        public void run() {
            while (awaitAssignment()) {
                long a = assigned;
                // read after assigned: the fields of assignment a, which the caller rewrites only once a is run
                claimAndRun(a, task, from, to);
                done = a;   // one the caller claimed is done too
            }
        }

        /** Runs assignment {@code a} (its task and range) if this thread, worker or caller, claims it first. */
        private void claimAndRun(long a, RangeTask t, int f, int e) {
            if (claimed.compareAndSet(a - 1, a)) {
                runChunk(t, index, f, e);
                pending.decrementAndGet();
            }
        }

        /** Waits until assigned passes done (true) or the pool closes (false). */
        private boolean awaitAssignment() {
            long start = System.nanoTime();
            int spins = 0;
            while (assigned == done) {
                if (closed) {
                    return false;
                }
                if ((++spins & 0xff) != 0) {
                    Thread.onSpinWait();
                    continue;
                }
                long idle = System.nanoTime() - start;
                if (idle < SPIN_NANOS) {
                    // past the first microseconds, offer the core to whatever else is runnable (the JIT, the GC, a
                    // test's single-threaded reference) between checks, as sched_yield spinning does
                    if (idle > YIELD_AFTER_NANOS) {
                        Thread.yield();
                    }
                    continue;
                }
                parked = true;
                // assign() writes assigned before it reads parked: one of us sees the other
                while (assigned == done && !closed) {
                    LockSupport.park(this);
                }
                parked = false;
                start = System.nanoTime();
            }
            return !closed;
        }
    }
}
