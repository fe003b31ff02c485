package io.tokencost.backend.cuda;

import io.tokencost.backend.KernelTimer;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/** Two CUDA events on the default stream around the launches; the device's own clock. */
final class CudaTimer implements KernelTimer {

    private final CudaSession session;
    private CUevent start = new CUevent();
    private CUevent stop = new CUevent();
    private boolean started;

    CudaTimer(CudaSession session) {
        this.session = session;
        session.bind();
        JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT);
        JCudaDriver.cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT);
    }

    @Override
    public void start() {
        session.bind();
        JCudaDriver.cuEventRecord(live(start), new CUstream());
        started = true;
    }

    @Override
    public double stopSeconds() {
        if (!started) {
            throw new IllegalStateException("stopSeconds() without start()");
        }
        session.bind();
        JCudaDriver.cuEventRecord(live(stop), new CUstream());
        JCudaDriver.cuEventSynchronize(stop);
        float[] ms = {0};
        JCudaDriver.cuEventElapsedTime(ms, start, stop);
        started = false;
        return ms[0] / 1000.0;
    }

    private static CUevent live(CUevent e) {
        if (e == null) {
            throw new IllegalStateException("timer is closed");
        }
        return e;
    }

    @Override
    public void close() {
        if (start != null) {
            session.release(this);
        }
    }

    /** Destroys the events; called by the session with its context current. */
    void destroy() {
        if (start != null) {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(stop);
            start = null;
            stop = null;
        }
    }
}
