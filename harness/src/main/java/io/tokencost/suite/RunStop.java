package io.tokencost.suite;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A run's stop request. While installed, SIGTERM (a scheduler's time limit or preemption, an
 * eviction) and SIGINT (Ctrl-C) no longer end the JVM: the first asks the sweep to stop, ending the
 * case being measured (its fork is killed, and so is a fork that starts while the case winds down)
 * so that the run writes its finished rows and exits; the second kills the fork and ends the JVM at
 * once, the finished rows already on disk.
 */
public final class RunStop implements AutoCloseable {

    private static final String[] SIGNALS = {"TERM", "INT"};
    /** A fork asked to end (SIGTERM) that still runs after this is killed (SIGKILL). */
    private static final long GRACE_NANOS = 5_000_000_000L;

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final int immediateExitCode;
    private final AtomicReference<String> signal = new AtomicReference<>();
    private volatile boolean closed;

    private RunStop(int immediateExitCode) {
        this.immediateExitCode = immediateExitCode;
    }

    /** Handles SIGTERM and SIGINT until {@link #close}; a second signal halts with {@code immediateExitCode}. */
    public static RunStop onSignals(int immediateExitCode) {
        RunStop stop = new RunStop(immediateExitCode);
        for (String name : SIGNALS) {
            Signal s = new Signal(name);
            stop.previous.put(s, Signal.handle(s, stop::received));
        }
        return stop;
    }

    /** A stop that only {@link #request} triggers (tests, and runs that must not catch signals). */
    public static RunStop manual() {
        return new RunStop(0);
    }

    private void received(Signal s) {
        // each signal's handler runs on a thread of its own: the first to set the reason stops the sweep, any later one halts
        if (!signal.compareAndSet(null, "SIG" + s.getName())) {
            System.err.println("tokencost: SIG" + s.getName() + " again: stopping now; the finished cases are in the run folder's .partial files");
            JmhCaseRunner.killForks();
            Runtime.getRuntime().halt(immediateExitCode);
        }
        System.err.println("tokencost: SIG" + s.getName() + ": stopping after the finished cases (send it again to stop at once)");
        endForks();
    }

    /** Asks the sweep to stop: no case starts after this, and the one running ends with its fork. */
    public void request(String why) {
        if (signal.compareAndSet(null, why)) {
            endForks();
        }
    }

    /**
     * Ends the case's fork, and any fork its JMH run starts before it notices the stop (the signal may
     * come between a case's start and its fork's): SIGTERM, then SIGKILL past a grace period.
     */
    private void endForks() {
        Thread reaper = new Thread(() -> {
            Map<Long, Long> asked = new LinkedHashMap<>();
            while (!closed) {
                long now = System.nanoTime();
                ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(p -> {
                    Long since = asked.putIfAbsent(p.pid(), now);
                    if (since == null) {
                        p.destroy();
                    } else if (now - since > GRACE_NANOS) {
                        p.destroyForcibly();
                    }
                });
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "tokencost-stop");
        reaper.setDaemon(true);
        reaper.start();
    }

    public boolean requested() {
        return signal.get() != null;
    }

    /** What stopped the run (e.g. {@code SIGTERM}), or null. */
    public String reason() {
        return signal.get();
    }

    /** Gives the signals back to the JVM's own handling, and stops ending forks. */
    @Override
    public void close() {
        closed = true;
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
