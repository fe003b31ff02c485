package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.DeviceProperties;
import io.tokencost.backend.FamilyLaunchers;
import io.tokencost.backend.KernelFamily;
import io.tokencost.backend.KernelTimer;
import io.tokencost.backend.Session;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import static jcuda.driver.CUdevice_attribute.*;

/**
 * One device's primary context: modules loaded from the classpath on first use (the cubin for the
 * device's architecture, else the PTX), buffers, timers, the L2 flush buffer and the clock probe.
 * Any thread may call it (the context is made current first); calls must not overlap.
 */
final class CudaSession implements Session {

    /** The module every measurement uses (the SM clock): loaded when the session opens. */
    static final String CLOCK_PROBE_MODULE = "clock_probe";
    /** clock_probe spins this many SM cycles: about 0.5 ms at 2 GHz, far above %globaltimer's resolution. */
    static final long CLOCK_PROBE_CYCLES = 1_000_000;
    /** The flush buffer is at least this big even when L2 is smaller. */
    static final long MIN_FLUSH_BYTES = 64L << 20;

    /** Shared memory per block every kernel may use without opting in. */
    private static final int DEFAULT_SHARED_BYTES = 48 * 1024;

    private final CUdevice device;
    private final CUcontext context = new CUcontext();
    private final DeviceProperties properties;
    private final KernelImageChoice imageChoice;
    private final double nominalClockMhz;
    private final Map<String, CUmodule> modules = new HashMap<>();
    /** What each loaded module was loaded from. */
    private final Map<String, CudaDriver.Loaded> loadedImages = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    /** Dynamic shared memory each kernel has been allowed past the default 48 KiB. */
    private final Map<String, Integer> sharedLimits = new HashMap<>();
    private final Set<CudaBuffer> buffers = new LinkedHashSet<>();
    private final Set<CudaTimer> timers = new LinkedHashSet<>();
    /** Captured steps ({@link #capture}), destroyed with the session. */
    private final List<CUgraphExec> graphs = new ArrayList<>();
    private final CudaLauncher launcher = new CudaLauncher(this);
    private final FamilyLaunchers families = new FamilyLaunchers(this);
    private final int threadsPerMultiprocessor;
    private CUdeviceptr flushBuffer;
    private long flushBytes;
    private CUdeviceptr clockOut;
    private boolean closed;

    CudaSession(int deviceIndex) {
        KernelManifest manifest = KernelManifest.load()
                .orElseThrow(() -> new io.tokencost.backend.BackendUnavailableException(KernelManifest.NOT_BUILT));
        this.device = CudaDriver.device(deviceIndex);
        this.imageChoice = CudaDriver.choice(deviceIndex, manifest);
        if (imageChoice.refused()) {
            throw new io.tokencost.backend.BackendUnavailableException(imageChoice.refusal());
        }
        this.nominalClockMhz = CudaDriver.attribute(device, CU_DEVICE_ATTRIBUTE_CLOCK_RATE, 0) / 1000.0;
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
        try {
            CudaDriver.makeCurrent(context);
            // what the device's modules load is part of the run's identity: know it before anything is measured
            function(CLOCK_PROBE_MODULE, "clock_probe");
            CudaDriver.Loaded clock = loadedImages.get(CLOCK_PROBE_MODULE);
            String loads = clock.image().loads();
            String sass = loads.startsWith(KernelImageChoice.SASS) ? loads.substring(KernelImageChoice.SASS.length()) : "";
            this.properties = CudaDriver.properties(deviceIndex, manifest.nvccVersion(), loads, clock.refused(), sass.isEmpty() ? List.of() : manifest.spills(sass));
            this.threadsPerMultiprocessor = CudaDriver.attribute(device, CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR, 2048);
        } catch (RuntimeException | Error e) {
            // the context and the module loaded so far go back before the failure is reported
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Makes this session's context current on the calling thread. */
    void bind() {
        if (closed) {
            throw new IllegalStateException("CUDA session on device " + properties.index() + " is closed");
        }
        CudaDriver.makeCurrent(context);
    }

    /** A kernel, loading its module on first use. */
    CUfunction function(String module, String name) {
        String key = module + "/" + name;
        CUfunction f = functions.get(key);
        if (f == null) {
            CUmodule m = modules.get(module);
            if (m == null) {
                CudaDriver.Loaded loaded = CudaDriver.loadModule(module, imageChoice);
                m = loaded.module();
                modules.put(module, m);
                loadedImages.put(module, loaded);
                CudaDriver.Loaded first = loadedImages.get(CLOCK_PROBE_MODULE);
                if (first != null && !first.image().equals(loaded.image())) {
                    System.err.println("tokencost: kernel module " + module + " loaded " + loaded.describe() + ", unlike " + CLOCK_PROBE_MODULE
                            + " (" + first.image().loads() + ")");
                }
            }
            f = new CUfunction();
            JCudaDriver.cuModuleGetFunction(f, m, name);
            functions.put(key, f);
        }
        return f;
    }

    /**
     * A kernel allowed {@code sharedBytes} of dynamic shared memory: past 48 KiB the driver needs an
     * opt-in per kernel (cuFuncSetAttribute), set once here so timed launches do not pay for it.
     */
    CUfunction function(String module, String name, int sharedBytes) {
        CUfunction f = function(module, name);
        String key = module + "/" + name;
        if (sharedBytes > DEFAULT_SHARED_BYTES && sharedLimits.getOrDefault(key, DEFAULT_SHARED_BYTES) < sharedBytes) {
            JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes);
            sharedLimits.put(key, sharedBytes);
        }
        return f;
    }

    @Override
    public DeviceProperties device() {
        return properties;
    }

    @Override
    public <T> T family(KernelFamily<T> family) {
        return families.get(family);
    }

    @Override
    public Buffer allocate(DataType type, long elements) {
        bind();
        CudaBuffer b = new CudaBuffer(this, type, elements);
        buffers.add(b);
        return b;
    }

    @Override
    public java.util.Optional<LaunchTarget> launchTarget() {
        return java.util.Optional.of(new LaunchTarget(launcher, properties.computeUnits(), threadsPerMultiprocessor));
    }

    @Override
    public void synchronize() {
        bind();
        JCudaDriver.cuCtxSynchronize();
    }

    /**
     * A CUDA graph of the step: its launches captured on a stream of their own (thread-local
     * capture: nothing else may touch the device from this thread meanwhile), instantiated once;
     * each replay is one cuGraphLaunch on the default stream, where the timers' events are.
     */
    @Override
    public Runnable capture(Runnable step) {
        bind();
        CUstream stream = new CUstream();
        JCudaDriver.cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
        CUgraph graph = new CUgraph();
        try {
            launcher.captureOn(stream);
            JCudaDriver.cuStreamBeginCapture(stream, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL);
            try {
                step.run();
            } finally {
                launcher.captureOn(null);
                JCudaDriver.cuStreamEndCapture(stream, graph);
            }
            CUgraphExec exec = new CUgraphExec();
            JCudaDriver.cuGraphInstantiate(exec, graph, 0);
            graphs.add(exec);
            return () -> {
                bind();
                JCudaDriver.cuGraphLaunch(exec, new CUstream());
            };
        } finally {
            JCudaDriver.cuGraphDestroy(graph);
            JCudaDriver.cuStreamDestroy(stream);
        }
    }

    /** nvbench's flush: a memset over a buffer of max(L2, 64 MiB), allocated once. */
    @Override
    public void flushCaches() {
        bind();
        if (flushBuffer == null) {
            long bytes = Math.max(properties.lastLevelCacheBytes(), MIN_FLUSH_BYTES);
            bytes = (bytes + 3) & ~3L;
            CUdeviceptr p = new CUdeviceptr();
            JCudaDriver.cuMemAlloc(p, bytes);
            flushBuffer = p;
            flushBytes = bytes;
        }
        JCudaDriver.cuMemsetD32(flushBuffer, 0, flushBytes / 4);
    }

    /** SM MHz = cycles / ns · 1000 from clock_probe (1 thread spinning {@value #CLOCK_PROBE_CYCLES} cycles). */
    @Override
    public OptionalDouble measureClockMhz() {
        bind();
        if (clockOut == null) {
            CUdeviceptr p = new CUdeviceptr();
            JCudaDriver.cuMemAlloc(p, 2 * Long.BYTES);
            clockOut = p;
        }
        launcher.launch("clock_probe", "clock_probe", new LaunchConfig(1, 1, 0), clockOut, CLOCK_PROBE_CYCLES);
        long[] out = new long[2];
        JCudaDriver.cuMemcpyDtoH(Pointer.to(out), clockOut, 2L * Long.BYTES);   // waits for the kernel
        return clockMhz(out[0], out[1]);
    }

    static OptionalDouble clockMhz(long elapsedNs, long elapsedCycles) {
        if (elapsedNs <= 0 || elapsedCycles <= 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((double) elapsedCycles / elapsedNs * 1000.0);
    }

    @Override
    public double nominalClockMhz() {
        return nominalClockMhz;
    }

    @Override
    public KernelTimer newTimer() {
        bind();
        CudaTimer t = new CudaTimer(this);
        timers.add(t);
        return t;
    }

    void release(CudaBuffer b) {
        bind();
        if (buffers.remove(b)) {
            b.free();
        }
    }

    void release(CudaTimer t) {
        bind();
        if (timers.remove(t)) {
            t.destroy();
        }
    }

    /** Waits for the device, frees every buffer, event and module, and releases the context. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<RuntimeException> failures = new ArrayList<>();
        try {
            CudaDriver.makeCurrent(context);
            run(failures, JCudaDriver::cuCtxSynchronize);
            for (CudaBuffer b : buffers) {
                run(failures, b::free);
            }
            buffers.clear();
            for (CudaTimer t : timers) {
                run(failures, t::destroy);
            }
            timers.clear();
            for (CUgraphExec g : graphs) {
                run(failures, () -> JCudaDriver.cuGraphExecDestroy(g));
            }
            graphs.clear();
            if (flushBuffer != null) {
                CUdeviceptr p = flushBuffer;
                run(failures, () -> JCudaDriver.cuMemFree(p));
                flushBuffer = null;
            }
            if (clockOut != null) {
                CUdeviceptr p = clockOut;
                run(failures, () -> JCudaDriver.cuMemFree(p));
                clockOut = null;
            }
            for (CUmodule m : modules.values()) {
                run(failures, () -> JCudaDriver.cuModuleUnload(m));
            }
            modules.clear();
            functions.clear();
            sharedLimits.clear();
        } finally {
            closed = true;
            CudaDriver.forgetCurrent();
            run(failures, () -> JCudaDriver.cuDevicePrimaryCtxRelease(device));
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void run(List<RuntimeException> failures, Runnable r) {
        try {
            r.run();
        } catch (CudaException | IllegalStateException e) {
            failures.add(e);
        }
    }
}
