package io.tokencost.kernels.mmaprobe;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.CheckResult;
import io.tokencost.kernels.Half;
import io.tokencost.kernels.KernelCheck;
import io.tokencost.kernels.Tolerance;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The tensor-core fragment layouts (mma.sync m16n8k16, and ldmatrix .x4 / .x4.trans) against
 * {@link MmaProbe}, on the backends that run the .cu kernels (cuda, emu). The CPU backend has no
 * tensor cores: no result.
 */
public final class MmaProbeCheck implements KernelCheck {

    static final int TILES = 8;

    @Override
    public String family() {
        return "mma_probe";
    }

    @Override
    public List<CheckResult> check(Session session, RandomGenerator random) {
        Optional<KernelLauncher> launcher = session.kernelLauncher();
        if (launcher.isEmpty()) {
            return List.of();
        }
        double worst = 0;
        String failure = null;
        try {
            for (int i = 0; i < TILES; i++) {
                worst = Math.max(worst, checkOnce(session, launcher.get(), random));
            }
        } catch (RuntimeException e) {
            failure = KernelCheck.failure(e);
        }
        List<CheckResult> out = new ArrayList<>();
        out.add(new CheckResult(family(), "m16n8k16", "fp16/fp32", TILES, worst, Tolerance.FP32, failure));
        for (boolean trans : new boolean[] {false, true}) {
            int wrong = 0;
            String ldFailure = null;
            try {
                for (int i = 0; i < TILES; i++) {
                    wrong = Math.max(wrong, ldmatrixOnce(session, launcher.get(), trans, random));
                }
            } catch (RuntimeException e) {
                ldFailure = KernelCheck.failure(e);
            }
            // exact: a fragment word either is the elements the layout names or a layout is wrong
            out.add(new CheckResult(family(), trans ? "ldmatrix_x4_trans" : "ldmatrix_x4", "b16", TILES, wrong, 0, ldFailure));
        }
        return out;
    }

    /** How many of the 128 fragment words ldmatrix (.x4, or .x4.trans) handed out differ from the layout's. */
    static int ldmatrixOnce(Session session, KernelLauncher launcher, boolean trans, RandomGenerator random) {
        short[] in = new short[MmaProbe.LDMATRIX_ELEMENTS];
        for (int i = 0; i < in.length; i++) {
            in[i] = (short) random.nextInt(1 << 16);
        }
        int[] got = new int[32 * 4];
        try (Buffer bout = session.allocate(DataType.U32, got.length); Buffer bin = session.allocate(DataType.F16, in.length)) {
            bin.upload(in);
            bout.poison();
            launcher.launch("mma_probe", "ldmatrix_probe", new LaunchConfig(1, 32, 0), bout, bin, trans ? 1 : 0);
            session.synchronize();
            bout.download(got);
        }
        int[] expected = MmaProbe.ldmatrixReference(in, trans);
        int wrong = 0;
        for (int i = 0; i < got.length; i++) {
            wrong += got[i] == expected[i] ? 0 : 1;
        }
        return wrong;
    }

    static double checkOnce(Session session, KernelLauncher launcher, RandomGenerator random) {
        short[] a = new short[MmaProbe.M * MmaProbe.K];
        short[] b = new short[MmaProbe.N * MmaProbe.K];
        float[] c = new float[MmaProbe.M * MmaProbe.N];
        for (int i = 0; i < a.length; i++) {
            a[i] = Half.fromFloat((float) (random.nextDouble() * 4 - 2));
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = Half.fromFloat((float) (random.nextDouble() * 4 - 2));
        }
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) (random.nextDouble() * 2 - 1);
        }
        float[] d = new float[c.length];
        try (Buffer bd = session.allocate(DataType.F32, d.length); Buffer ba = session.allocate(DataType.F16, a.length);
             Buffer bb = session.allocate(DataType.F16, b.length); Buffer bc = session.allocate(DataType.F32, c.length)) {
            ba.upload(a);
            bb.upload(b);
            bc.upload(c);
            bd.poison();
            launcher.launch("mma_probe", "mma_probe", new LaunchConfig(1, 32, 0), bd, ba, bb, bc);
            session.synchronize();
            bd.download(d);
        }
        return Tolerance.relativeError(d, MmaProbe.reference(a, b, c));
    }
}
