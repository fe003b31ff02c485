package io.tokencost.suite;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What happened to a case that could not be measured, in one line: JMH reports a fork's end as
 * "Benchmark caught the exception" whatever it was; the fork's own exception and exit code ride
 * along as causes, and say whether it timed out, died by a signal, ran out of memory, hit a CUDA
 * error or an emulated kernel's fault.
 */
public final class FailureReason {

    private static final Pattern EXIT_CODE = Pattern.compile("Forked VM failed with exit code (\\d+)");
    private static final Pattern CUDA_ERROR = Pattern.compile("CUDA_ERROR_[A-Z_]+");
    /** A message that starts with the exception's class name, as {@code new X(cause)} writes one: {@code java.lang.IllegalStateException: }. */
    private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");
    /** JMH's own words for "a benchmark failed", which say nothing about how. */
    private static final List<String> JMH_WRAPPERS = List.of("Benchmark caught the exception", "Benchmark error");
    private static final Map<Integer, String> SIGNALS = Map.of(1, "SIGHUP", 2, "SIGINT", 4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE",
            9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

    private FailureReason() {
    }

    public static String of(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof CaseFailedException) {
                return t.getMessage();
            }
        }
        for (Throwable t : chain) {
            String name = t.getClass().getName();
            String message = plain(String.valueOf(t.getMessage()));
            if (t instanceof OutOfMemoryError || name.endsWith("OutOfMemoryError") || message.startsWith("java.lang.OutOfMemoryError")) {
                return "the fork ran out of Java heap (" + message.replace("java.lang.OutOfMemoryError: ", "") + "): a smaller --working-set, or more memory";
            }
            if (message.contains("CUDA_ERROR_OUT_OF_MEMORY")) {
                return message;
            }
            Matcher cuda = CUDA_ERROR.matcher(message);
            if (cuda.find()) {
                return "CUDA error " + cuda.group() + ": " + message + " (a sticky error ends the fork's context: the next case gets a new fork)";
            }
            if (name.endsWith("EmuKernelException")) {
                return "the emulated kernel faulted: " + message;
            }
        }
        for (Throwable t : chain) {
            Matcher exit = EXIT_CODE.matcher(String.valueOf(t.getMessage()));
            if (exit.find()) {
                int code = Integer.parseInt(exit.group(1));
                String signal = code > 128 ? SIGNALS.get(code - 128) : null;
                return signal != null ? "the fork died by " + signal + " (exit code " + code + ")" : "the fork exited with code " + code;
            }
        }
        // the deepest cause that says something: the fork's own exception, not JMH's wrapper
        for (int i = chain.size() - 1; i >= 0; i--) {
            String message = chain.get(i).getMessage();
            if (message != null && !message.isBlank() && JMH_WRAPPERS.stream().noneMatch(message::startsWith)) {
                return plain(message.lines().findFirst().orElse("").trim());
            }
        }
        return "the fork failed without a message (its log: jmh.log in the run folder)";
    }

    /** The message without the class names that wrapping exceptions put in front of it. */
    private static String plain(String message) {
        String m = message;
        for (Matcher prefix = CLASS_PREFIX.matcher(m); prefix.find(); prefix = CLASS_PREFIX.matcher(m)) {
            m = m.substring(prefix.end());
        }
        return m;
    }

    /** The failure, its causes and their suppressed exceptions, outermost first. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> out = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Deque<Throwable> todo = new ArrayDeque<>(List.of(failure));
        while (!todo.isEmpty()) {
            Throwable t = todo.removeFirst();
            if (seen.put(t, true) != null) {
                continue;
            }
            out.add(t);
            if (t.getCause() != null) {
                todo.addLast(t.getCause());
            }
            for (Throwable s : t.getSuppressed()) {
                todo.addLast(s);
            }
        }
        return out;
    }
}
