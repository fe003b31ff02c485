package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;

/**
 * The argument types a {@link KernelLauncher} accepts, and their dispatch in one place: each
 * launcher supplies an {@link Encoder} that turns a value into what its launch call takes.
 */
public final class KernelArguments {

    /** Encodes one kernel argument of each supported type. */
    public interface Encoder<T> {
        /** The device address {@code byteOffset} bytes into the buffer. */
        T buffer(Buffer b, long byteOffset);

        T f32(float v);

        T i64(long v);

        T i32(int v);
    }

    /** A buffer's address from its element {@code from} on: a kernel argument for one chunk of a larger launch. */
    public record BufferFrom(Buffer buffer, long from) {
        public BufferFrom {
            if (from < 0 || from >= Math.max(1, buffer.elements())) {
                throw new IllegalArgumentException("element " + from + " is outside a buffer of " + buffer.elements());
            }
        }
    }

    private KernelArguments() {
    }

    /** The argument for {@code b}'s elements from {@code from}: {@code b} itself at 0. */
    public static Object from(Buffer b, long from) {
        return from == 0 ? b : new BufferFrom(b, from);
    }

    public static <T> T encode(Object arg, Encoder<T> encoder, String module, String function, int index) {
        if (arg instanceof Buffer b) {
            return encoder.buffer(b, 0);
        }
        if (arg instanceof BufferFrom b) {
            return encoder.buffer(b.buffer(), b.from() * b.buffer().type().bytes());
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
