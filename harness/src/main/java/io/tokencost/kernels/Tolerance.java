package io.tokencost.kernels;

/** Relative-error bounds per dtype and the error measure itself. */
public final class Tolerance {

    public static final double FP32 = 1e-5;
    public static final double FP16 = 1e-2;

    private Tolerance() {
    }

    /** ‖out−ref‖₂ / ‖ref‖₂; NaN anywhere in out (a poisoned element left unwritten) gives +∞. */
    public static double relativeError(float[] out, double[] ref) {
        if (out.length != ref.length) {
            throw new IllegalArgumentException("lengths differ: " + out.length + " vs " + ref.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < out.length; i++) {
            if (Float.isNaN(out[i])) {
                return Double.POSITIVE_INFINITY;
            }
            double d = out[i] - ref[i];
            diff += d * d;
            norm += ref[i] * ref[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    public static double relativeError(double out, double ref) {
        if (Double.isNaN(out)) {
            return Double.POSITIVE_INFINITY;
        }
        return ref == 0 ? Math.abs(out) : Math.abs(out - ref) / Math.abs(ref);
    }
}
