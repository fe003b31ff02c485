package io.tokencost.suite;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's stop request. While installed, SIGTERM (a scheduler's time limit or preemption, an
 * eviction) and SIGINT (Ctrl-C) no longer end the JVM: the first asks the sweep to stop, ending the
 * case being measured (its fork is killed) so that the run writes its finished rows and exits; the
 * second ends the JVM at once, the finished rows already on disk.
 */
public final class RunStop implements AutoCloseable {

    private static final String[] SIGNALS = {"TERM", "INT"};

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final int immediateExitCode;
    private volatile String signal;

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
        if (signal != null) {
            System.err.println("tokencost: SIG" + s.getName() + " again: stopping now; the finished cases are in the run folder's .partial files");
            Runtime.getRuntime().halt(immediateExitCode);
        }
        System.err.println("tokencost: SIG" + s.getName() + ": stopping after the finished cases (send it again to stop at once)");
        request("SIG" + s.getName());
    }

    /** Asks the sweep to stop: no case starts after this, and the one running ends with its fork. */
    public void request(String why) {
        signal = why;
        // the JMH fork of the case being measured: it would otherwise run its iterations to the end
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
    }

    public boolean requested() {
        return signal != null;
    }

    /** What stopped the run (e.g. {@code SIGTERM}), or null. */
    public String reason() {
        return signal;
    }

    /** Gives the signals back to the JVM's own handling. */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
        previous.clear();
    }
}
