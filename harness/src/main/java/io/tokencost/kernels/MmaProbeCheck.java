package io.tokencost.kernels;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The tensor-core fragment layouts (mma.sync m16n8k16) against {@link MmaProbe#reference}, on the
 * backends that run the .cu kernels (cuda, emu). The CPU backend has no tensor cores: no result.
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
        return out;
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
