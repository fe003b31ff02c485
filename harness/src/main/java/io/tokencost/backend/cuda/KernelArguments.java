package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;

/**
 * The argument types a {@link KernelLauncher} accepts, and their dispatch in one place: each
 * launcher supplies an {@link Encoder} that turns a value into what its launch call takes.
 */
public final class KernelArguments {

    /** Encodes one kernel argument of each supported type. */
    public interface Encoder<T> {
        T buffer(Buffer b);

        T f32(float v);

        T i64(long v);

        T i32(int v);
    }

    private KernelArguments() {
    }

    public static <T> T encode(Object arg, Encoder<T> encoder, String module, String function, int index) {
        if (arg instanceof Buffer b) {
            return encoder.buffer(b);
        }
        if (arg instanceof Float v) {
            return encoder.f32(v);
        }
        if (arg instanceof Long v) {
            return encoder.i64(v);
        }
        if (arg instanceof Integer v) {
            return encoder.i32(v);
        }
        throw new IllegalArgumentException("argument " + index + " of " + module + "." + function + " has unsupported type "
                + (arg == null ? "null" : arg.getClass().getName()));
    }
}
