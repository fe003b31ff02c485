package io.tokencost.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Sum of a float range at memory speed: head (none: ranges start anywhere), vectorised body with
 * four independent accumulators to hide add latency, scalar tail. Every 64 Ki elements the float
 * lanes are folded into a double, so the error stays near float64's whatever the length.
 */
public final class VectorSum {

    /** The species is the platform's preferred width (512 bits on AVX-512 machines). */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private static final int BLOCK = 1 << 16;

    private VectorSum() {
    }

    public static double sum(float[] a, int from, int to) {
        double total = 0;
        int lanes = SPECIES.length();
        for (int blockStart = from; blockStart < to; blockStart += BLOCK) {
            int blockEnd = (int) Math.min(to, (long) blockStart + BLOCK);
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            FloatVector acc2 = FloatVector.zero(SPECIES);
            FloatVector acc3 = FloatVector.zero(SPECIES);
            int i = blockStart;
            for (; i <= blockEnd - 4 * lanes; i += 4 * lanes) {
                acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, i));
                acc1 = acc1.add(FloatVector.fromArray(SPECIES, a, i + lanes));
                acc2 = acc2.add(FloatVector.fromArray(SPECIES, a, i + 2 * lanes));
                acc3 = acc3.add(FloatVector.fromArray(SPECIES, a, i + 3 * lanes));
            }
            float tail = 0;
            for (; i < blockEnd; i++) {
                tail += a[i];
            }
            total += acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD) + (double) tail;
        }
        return total;
    }
}
