// The VM-phase study's probe (see README.md): a Llama-3.1-8B int4_g128 decode step (batch 1, context
// 1024) on the CPU backend, each step between two timed reads of a 1 GiB buffer (the memory/read
// kernel) and followed by a two-thread scalar FMA loop. Run from the repository root after
// `mvn -q install -DskipTests`:
//   javac -cp bench/target/tokencost.jar --add-modules jdk.incubator.vector -d /tmp/p results/reference/cpu-epyc-vm/vm-phases/StepBw.java
//   java --add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -XX:ObjectAlignmentInBytes=64 -XX:Tier3DelayOn=100000 \
//        -Xmx16g -XX:+UseTransparentHugePages -cp bench/target/tokencost.jar:/tmp/p StepBw Llama-3.1-8B 100
import io.tokencost.backend.*;
import io.tokencost.cost.*;
import io.tokencost.model.*;
public class StepBw {
    static double compute(int n) {
        double a0 = 1, a1 = 1.1, a2 = 1.2, a3 = 1.3, a4 = 1.4, a5 = 1.5, a6 = 1.6, a7 = 1.7;
        for (int i = 0; i < n; i++) {
            a0 = a0 * 0.9999999 + 1e-9; a1 = a1 * 0.9999999 + 1e-9; a2 = a2 * 0.9999999 + 1e-9; a3 = a3 * 0.9999999 + 1e-9;
            a4 = a4 * 0.9999999 + 1e-9; a5 = a5 * 0.9999999 + 1e-9; a6 = a6 * 0.9999999 + 1e-9; a7 = a7 * 0.9999999 + 1e-9;
        }
        return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
    }
    static volatile double sink;
    static double both() throws Exception {
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> sink += compute(10_000_000)); t.start();
        sink += compute(10_000_000); t.join();
        return 2 * 10e6 * 16 / ((System.nanoTime() - t0) / 1e9) / 1e9;
    }
    public static void main(String[] a) throws Exception {
        String model = a.length > 0 ? a[0] : "Llama-3.1-8B";
        try (Session s = Backends.byId("cpu").open(0)) {
            long n = (1L << 30) / 4;
            Buffer src = s.allocateFloats(n);
            float[] host = new float[(int) n];
            java.util.SplittableRandom r = new java.util.SplittableRandom(3);
            for (int i = 0; i < host.length; i++) host[i] = (float) r.nextDouble();
            src.upload(host); host = null;
            Buffer partials = s.allocateFloats(s.memoryStream().readPartials(n));
            for (int i = 0; i < 20; i++) both();
            try (SyntheticModel m = new SyntheticModel(s, ModelPresets.resolve(model), WeightFormat.INT4_G128, 1, 1024, 1)) {
                for (int i = 0; i < Integer.parseInt(a[1]); i++) {
                    long t0 = System.nanoTime();
                    s.memoryStream().read(src, partials); s.synchronize();
                    double bw = n * 4 / ((System.nanoTime() - t0) / 1e9) / 1e9;
                    t0 = System.nanoTime();
                    m.decodeStep(); s.synchronize();
                    double step = (System.nanoTime() - t0) / 1e6;
                    t0 = System.nanoTime();
                    s.memoryStream().read(src, partials); s.synchronize();
                    double bw2 = n * 4 / ((System.nanoTime() - t0) / 1e9) / 1e9;
                    double c = both();
                    System.out.printf("step %7.1f ms  read before %5.1f after %5.1f GB/s  fma %5.2f GFLOP/s%n", step, bw, bw2, c);
                }
            }
        }
    }
}
