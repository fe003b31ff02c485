package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUstream;
import jcuda.driver.JCudaDriver;

/**
 * {@link KernelLauncher} on the CUDA driver: marshals arguments and calls cuLaunchKernel on the
 * default stream, or on the stream a graph capture records ({@link CudaSession#capture}).
 */
final class CudaLauncher implements KernelLauncher {

    private final CudaSession session;
    /** The stream being captured; null: the default stream. */
    private CUstream capturing;

    CudaLauncher(CudaSession session) {
        this.session = session;
    }

    @Override
    public void launch(String module, String function, LaunchConfig config, Object... args) {
        session.bind();
        CUfunction f = session.function(module, function, config.sharedBytes());
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = marshal(args[i], module, function, i);
        }
        JCudaDriver.cuLaunchKernel(f, config.gridX(), 1, 1, config.blockX(), 1, 1, config.sharedBytes(), capturing,
                Pointer.to(params), null);
    }

    /** Launches go to {@code stream} (being captured) until called again with null. */
    void captureOn(CUstream stream) {
        capturing = stream;
    }

    private Pointer marshal(Object arg, String module, String function, int index) {
        if (arg instanceof CUdeviceptr p) {
            return Pointer.to(p);   // the session's own scratch memory (clock probe output)
        }
        return KernelArguments.encode(arg, new KernelArguments.Encoder<>() {
            @Override
            public Pointer buffer(Buffer b, long byteOffset) {
                CudaBuffer buffer = CudaBuffer.of(b);
                if (buffer.session() != session) {
                    throw new IllegalArgumentException("argument " + index + " of " + function + " belongs to another session");
                }
                return Pointer.to(byteOffset == 0 ? buffer.pointer() : buffer.pointer().withByteOffset(byteOffset));
            }

            @Override
            public Pointer f32(float v) {
                return Pointer.to(new float[] {v});
            }

            @Override
            public Pointer i64(long v) {
                return Pointer.to(new long[] {v});
            }

            @Override
            public Pointer i32(int v) {
                return Pointer.to(new int[] {v});
            }
        }, module, function, index);
    }
}
