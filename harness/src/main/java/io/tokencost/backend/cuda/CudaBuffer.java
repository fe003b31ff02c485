package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.JCudaDriver;

/** A typed buffer in device memory (cuMemAlloc); freed by {@link #close()} or with its session. */
final class CudaBuffer implements Buffer {

    private final CudaSession session;
    private final DataType type;
    private final long elements;
    private CUdeviceptr pointer;

    CudaBuffer(CudaSession session, DataType type, long elements) {
        if (elements < 0) {
            throw new IllegalArgumentException("negative buffer size: " + elements);
        }
        this.session = session;
        this.type = type;
        this.elements = elements;
        this.pointer = new CUdeviceptr();
        if (elements > 0) {
            try {
                JCudaDriver.cuMemAlloc(pointer, bytes());
            } catch (CudaException e) {
                throw String.valueOf(e.getMessage()).contains("CUDA_ERROR_OUT_OF_MEMORY") ? outOfMemory(bytes(), e) : e;
            }
        }
    }

    /** How much was asked for and how much there was, in the words a failed case's line gives. */
    private static IllegalStateException outOfMemory(long asked, CudaException e) {
        long[] free = {0};
        long[] total = {0};
        JCudaDriver.cuMemGetInfo(free, total);
        return new IllegalStateException(String.format(java.util.Locale.ROOT,
                "the device ran out of memory: a buffer of %d MiB asked for, %d MiB free of %d MiB (CUDA_ERROR_OUT_OF_MEMORY)",
                asked >> 20, free[0] >> 20, total[0] >> 20), e);
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
            throw new IllegalStateException("buffer of " + elements + " " + type + " is closed");
        }
        return pointer;
    }

    CudaSession session() {
        return session;
    }

    @Override
    public DataType type() {
        return type;
    }

    @Override
    public long elements() {
        return elements;
    }

    @Override
    public void upload(Object hostArray) {
        Buffer.checkHostArray(this, hostArray);
        session.bind();
        if (elements > 0) {
            JCudaDriver.cuMemcpyHtoD(pointer(), host(hostArray), bytes());
        }
    }

    @Override
    public void download(Object hostArray) {
        Buffer.checkHostArray(this, hostArray);
        session.bind();
        if (elements > 0) {
            JCudaDriver.cuMemcpyDtoH(host(hostArray), pointer(), bytes());
        }
    }

    private Pointer host(Object array) {
        return switch (type) {
            case F32 -> Pointer.to((float[]) array);
            case F16, BF16 -> Pointer.to((short[]) array);
            case I8 -> Pointer.to((byte[]) array);
            case U32 -> Pointer.to((int[]) array);
        };
    }

    @Override
    public void poison() {
        session.bind();
        if (elements > 0) {
            long bits = Buffer.poisonBits(type);
            switch (type.bytes()) {
                case 4 -> JCudaDriver.cuMemsetD32(pointer(), (int) bits, elements);
                case 2 -> JCudaDriver.cuMemsetD16(pointer(), (short) bits, elements);
                default -> JCudaDriver.cuMemsetD8(pointer(), (byte) bits, elements);
            }
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
