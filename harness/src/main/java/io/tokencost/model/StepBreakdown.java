package io.tokencost.model;

import io.tokencost.backend.KernelFamily;
import io.tokencost.backend.KernelTimer;
import io.tokencost.backend.Session;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecodeKernels;
import io.tokencost.kernels.attentionprefill.AttentionPrefillKernels;
import io.tokencost.kernels.gemm.GemmKernels;
import io.tokencost.kernels.memorystream.MemoryStreamKernels;
import io.tokencost.kernels.qgemv.QGemvKernels;
import io.tokencost.kernels.transformerops.TransformerOpsKernels;
import io.tokencost.measure.SampleStats;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model step's time kernel by kernel, as a profiler's timeline splits it: every launch through
 * a {@link #timing} session's kernel families is timed alone on the session's own timer (CUDA
 * events on a GPU; the timer waits for the device) and summed per kernel and shape, in the order
 * the step first launches them. What locates a step's gap to the estimator's prediction from
 * isolated kernel rows: which kernels run slower inside the step than alone. A launch is a
 * family's void method; queries (workspace sizes) pass through untimed. Launches are timed one by
 * one, so on a GPU the step runs without its CUDA graph, each kernel its own time.
 */
public final class StepBreakdown {

    /**
     * One kernel at one shape: its launches and seconds per recorded step, and its launches' median
     * (a row's headline; the estimator adds rows' means, which {@code secondsPerStep / callsPerStep} is).
     */
    public record Line(String kernel, double callsPerStep, double secondsPerStep, double medianSecondsPerCall) {
    }

    private static final Map<Class<?>, String> FAMILIES = Map.of(MemoryStreamKernels.class, "memory", QGemvKernels.class, "qgemv",
            GemmKernels.class, "gemm", AttentionDecodeKernels.class, "attention_decode", AttentionPrefillKernels.class, "attention_prefill",
            TransformerOpsKernels.class, "ops");

    /** Per kernel label: each launch's seconds; insertion order is the step's launch order. */
    private final Map<String, List<Double>> launches = new LinkedHashMap<>();
    /** The session's timer while {@link #record} runs; null otherwise (launches pass through untimed). */
    private KernelTimer timer;
    private Session timed;

    /** A session that launches through {@code session} and times each launch while {@link #record} runs. */
    public Session timing(Session session) {
        if (timed != null) {
            throw new IllegalStateException("a breakdown times one session");
        }
        Map<KernelFamily<?>, Object> families = new HashMap<>();
        InvocationHandler h = (proxy, m, args) -> {
            // a family's launchers come timed (one proxy per family); everything else (allocation, timers,
            // the backend's own overrides) is the session's
            if (m.getName().equals("family") && m.getParameterCount() == 1) {
                KernelFamily<?> family = (KernelFamily<?>) args[0];
                return families.computeIfAbsent(family, f -> timedLaunchers(f, session));
            }
            return invoke(m, session, args);
        };
        timed = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class}, h);
        return timed;
    }

    /**
     * Runs {@code step} {@code steps} times through a {@link #timing} session (warmed up already),
     * timing every launch, and returns the kernels' lines per step.
     */
    public List<Line> record(Runnable step, int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("a breakdown needs at least 1 step, got " + steps);
        }
        if (timed == null) {
            throw new IllegalStateException("record a step that launches through timing(session)");
        }
        launches.clear();
        try (KernelTimer t = timed.newTimer()) {
            timer = t;
            for (int i = 0; i < steps; i++) {
                step.run();
            }
        } finally {
            timer = null;
        }
        List<Line> lines = new ArrayList<>();
        launches.forEach((kernel, t) -> {
            SampleStats stats = SampleStats.of(t.stream().mapToDouble(Double::doubleValue).toArray());
            lines.add(new Line(kernel, (double) stats.count() / steps, stats.mean() * stats.count() / steps, stats.median()));
        });
        return lines;
    }

    private <T> T timedLaunchers(KernelFamily<T> family, Session session) {
        return wrap(family.launchers(), session.family(family));
    }

    private <T> T wrap(Class<T> family, T target) {
        String name = FAMILIES.get(family);
        InvocationHandler h = (proxy, m, args) -> {
            if (timer == null || m.getReturnType() != void.class) {
                return invoke(m, target, args);
            }
            timer.start();
            invoke(m, target, args);
            double seconds = timer.stopSeconds();
            launches.computeIfAbsent(label(name, m, args), x -> new ArrayList<>()).add(seconds);
            return null;
        };
        return family.cast(Proxy.newProxyInstance(family.getClassLoader(), new Class<?>[] {family}, h));
    }

    /** family.method and its shape arguments: counts, formats, shapes (buffers and float constants left out). */
    static String label(String family, Method m, Object[] args) {
        StringBuilder b = new StringBuilder(family).append('.').append(m.getName());
        for (Object a : args == null ? new Object[0] : args) {
            if (a instanceof Integer || a instanceof Long) {
                b.append(' ').append(a);
            } else if (a instanceof WeightFormat f) {
                b.append(' ').append(f.id());
            } else if (a instanceof Enum<?> e) {
                b.append(' ').append(e.name().toLowerCase(Locale.ROOT));
            } else if (a instanceof Record r) {
                b.append(' ').append(r);
            }
        }
        return b.toString();
    }

    private static Object invoke(Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
