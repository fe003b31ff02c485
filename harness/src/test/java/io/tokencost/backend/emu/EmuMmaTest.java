package io.tokencost.backend.emu;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.Half;
import io.tokencost.kernels.Tolerance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emulation's tensor-core op (tc_mma_m16n8k16_f16f32, mma.sync m16n8k16 with the PTX ISA's
 * fragment layouts) against a plain matrix product: kernels/test/mma_probe.cu loads the fragments
 * by those layouts, so a wrong layout in the emulation or in the probe fails here.
 */
class EmuMmaTest {

    private static EmuSession session;

    @BeforeAll
    static void open() {
        session = (EmuSession) new EmuBackend().open(0);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @RepeatedTest(5)
    void oneTileMatchesTheMatrixProduct(RepetitionInfo info) {
        SplittableRandom r = new SplittableRandom(info.getCurrentRepetition());
        short[] a = new short[16 * 16];     // A [16 x 16] row-major
        short[] b = new short[8 * 16];      // B [16 x 8] column-major: b[n * 16 + k]
        float[] c = new float[16 * 8];
        for (int i = 0; i < a.length; i++) {
            a[i] = Half.fromFloat((float) r.nextDouble(-2, 2));
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = Half.fromFloat((float) r.nextDouble(-2, 2));
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) r.nextDouble(-1, 1);
        }
        double[] ref = new double[16 * 8];
        for (int row = 0; row < 16; row++) {
            for (int n = 0; n < 8; n++) {
                double sum = c[row * 8 + n];
                for (int k = 0; k < 16; k++) {
                    sum += (double) Half.toFloat(a[row * 16 + k]) * Half.toFloat(b[n * 16 + k]);
                }
                ref[row * 8 + n] = sum;
            }
        }
        float[] d = new float[16 * 8];
        try (Buffer bd = session.allocate(DataType.F32, d.length); Buffer ba = session.allocate(DataType.F16, a.length);
             Buffer bb = session.allocate(DataType.F16, b.length); Buffer bc = session.allocate(DataType.F32, c.length)) {
            ba.upload(a);
            bb.upload(b);
            bc.upload(c);
            bd.poison();
            session.launcher().launch("mma_probe", "mma_probe", new LaunchConfig(1, 32, 0), bd, ba, bb, bc);
            bd.download(d);
        }
        double err = Tolerance.relativeError(d, ref);
        assertTrue(err < 1e-6, "relative error " + err);
    }
}
