package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.JCudaDriver;

/** {@link KernelLauncher} on the CUDA driver: marshals arguments and calls cuLaunchKernel on the default stream. */
final class CudaLauncher implements KernelLauncher {

    private final CudaSession session;

    CudaLauncher(CudaSession session) {
        this.session = session;
    }

    @Override
    public void launch(String module, String function, LaunchConfig config, Object... args) {
        session.bind();
        CUfunction f = session.function(module, function);
        NativePointerObject[] params = new NativePointerObject[args.length];
        for (int i = 0; i < args.length; i++) {
            params[i] = marshal(args[i], module, function, i);
        }
        JCudaDriver.cuLaunchKernel(f, config.gridX(), 1, 1, config.blockX(), 1, 1, config.sharedBytes(), null,
                Pointer.to(params), null);
    }

    private Pointer marshal(Object arg, String module, String function, int index) {
        if (arg instanceof Buffer b) {
            CudaBuffer buffer = CudaBuffer.of(b);
            if (buffer.session() != session) {
                throw new IllegalArgumentException("argument " + index + " of " + function + " belongs to another session");
            }
            return Pointer.to(buffer.pointer());
        }
        if (arg instanceof CUdeviceptr p) {
            return Pointer.to(p);
        }
        if (arg instanceof Float v) {
            return Pointer.to(new float[] {v});
        }
        if (arg instanceof Long v) {
            return Pointer.to(new long[] {v});
        }
        if (arg instanceof Integer v) {
            return Pointer.to(new int[] {v});
        }
        throw new IllegalArgumentException("argument " + index + " of " + module + "." + function + " has unsupported type "
                + (arg == null ? "null" : arg.getClass().getName()));
    }
}
