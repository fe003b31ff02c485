// The VM-phase study's read probe (see README.md): 40 timed reads of a 1 GiB buffer with the CPU
// backend's memory/read kernel in one JVM, printed in GB/s. Compile and run as StepBw.java says.
import io.tokencost.backend.*;
public class ReadOnly {
    public static void main(String[] a) throws Exception {
        try (Session s = Backends.byId("cpu").open(0)) {
            long n = (1L << 30) / 4;
            Buffer src = s.allocateFloats(n);
            float[] host = new float[(int) n];
            java.util.SplittableRandom r = new java.util.SplittableRandom(3);
            for (int i = 0; i < host.length; i++) host[i] = (float) r.nextDouble();
            src.upload(host); host = null;
            Buffer partials = s.allocateFloats(s.memoryStream().readPartials(n));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                long t0 = System.nanoTime();
                s.memoryStream().read(src, partials); s.synchronize();
                sb.append(String.format(" %.0f", n * 4 / ((System.nanoTime() - t0) / 1e9) / 1e9));
            }
            System.out.println(sb);
        }
    }
}
