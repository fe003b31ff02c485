package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/** A float buffer in device memory (cuMemAlloc); freed by {@link #close()} or with its session. */
final class CudaBuffer implements Buffer {

    /** The quiet-NaN bit pattern {@link #poison()} fills with. */
    static final int NAN_BITS = 0x7fc00000;

    private final CudaSession session;
    private final long elements;
    private CUdeviceptr pointer;

    CudaBuffer(CudaSession session, long elements) {
        if (elements < 0) {
            throw new IllegalArgumentException("negative buffer size: " + elements);
        }
        this.session = session;
        this.elements = elements;
        this.pointer = new CUdeviceptr();
        if (elements > 0) {
            JCudaDriver.cuMemAlloc(pointer, elements * Float.BYTES);
        }
    }

    static CudaBuffer of(Buffer b) {
        if (!(b instanceof CudaBuffer cuda)) {
            throw new IllegalArgumentException("buffer belongs to another backend: " + b.getClass().getSimpleName());
        }
        return cuda;
    }

    /** The device pointer; fails once closed. */
    CUdeviceptr pointer() {
        if (pointer == null) {
            throw new IllegalStateException("buffer of " + elements + " floats is closed");
        }
        return pointer;
    }

    CudaSession session() {
        return session;
    }

    @Override
    public long elements() {
        return elements;
    }

    @Override
    public void upload(float[] src) {
        checkLength(src.length);
        session.bind();
        if (elements > 0) {
            JCudaDriver.cuMemcpyHtoD(pointer(), Pointer.to(src), bytes());
        }
    }

    @Override
    public void download(float[] dst) {
        checkLength(dst.length);
        session.bind();
        if (elements > 0) {
            JCudaDriver.cuMemcpyDtoH(Pointer.to(dst), pointer(), bytes());
        }
    }

    @Override
    public void poison() {
        session.bind();
        if (elements > 0) {
            JCudaDriver.cuMemsetD32(pointer(), NAN_BITS, elements);
        }
    }

    private void checkLength(long hostLength) {
        if (hostLength != elements) {
            throw new IllegalArgumentException("host array has " + hostLength + " floats, buffer " + elements);
        }
    }

    @Override
    public void close() {
        if (pointer != null) {
            session.release(this);
        }
    }

    /** Frees the memory; called by the session, which knows the context is current. */
    void free() {
        if (pointer != null) {
            if (elements > 0) {
                JCudaDriver.cuMemFree(pointer);
            }
            pointer = null;
        }
    }
}
