package io.tokencost.kernels;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;

/** The buffer checks every family's {@code checkBuffers} makes, with one wording. */
public final class BufferChecks {

    private BufferChecks() {
    }

    /** Throws unless {@code b} exists, holds {@code type} and at least {@code elements} of it. */
    public static void require(String family, String name, Buffer b, DataType type, long elements) {
        if (b == null) {
            throw new IllegalArgumentException(family + " " + name + " buffer is missing");
        }
        if (b.type() != type) {
            throw new IllegalArgumentException(family + " " + name + " must be a " + type + " buffer, got " + b.type());
        }
        if (b.elements() < elements) {
            throw new IllegalArgumentException(family + " " + name + " needs at least " + elements + " " + type + " elements, got "
                    + b.elements());
        }
    }
}
