import io.tokencost.backend.*;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.QGemv;
import java.util.*;
public class Router {
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]), k = Integer.parseInt(a[1]); double secs = Double.parseDouble(a[2]);
        boolean box = a.length > 3 && a[3].equals("box");
        WeightFormat f = WeightFormat.of(a.length > 4 ? a[4] : "fp16");
        try (Session s = Backends.byId("cpu").open(0)) {
            QGemv.QuantizedMatrix m = QGemv.random(f, n, k, 7);
            int copies = 8; Buffer[] w = new Buffer[copies]; Buffer[] sc = new Buffer[copies];
            for (int i = 0; i < copies; i++) { w[i] = s.allocate(m.weightType(), m.weightElements()); w[i].upload(m.weights());
                if (m.scales() != null) { sc[i] = s.allocate(DataType.F16, m.scales().length); sc[i].upload(m.scales()); } }
            Buffer x = s.allocate(DataType.F16, k); x.upload(QGemv.randomActivations(1, k, new SplittableRandom()));
            Buffer y = s.allocate(DataType.F32, n);
            for (int i = 0; i < 3000; i++) s.qgemv().gemv(f, y, x, w[i % copies], sc[i % copies], n, k, 1);
            double[] t = new double[5_000_000]; double[] at = new double[t.length]; int c = 0;
            List<Double> boxed = new ArrayList<>();
            long t00 = System.nanoTime(); long end = t00 + (long) (secs * 1e9);
            long jvm0 = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
            while (System.nanoTime() < end && c < t.length) {
                long t0 = System.nanoTime();
                s.qgemv().gemv(f, y, x, w[c % copies], sc[c % copies], n, k, 1);
                long t1 = System.nanoTime();
                t[c] = (t1 - t0) * 1e-9; at[c] = (t0 - t00) * 1e-9; if (box) boxed.add(t[c]); c++;
            }
            double[] s2 = Arrays.copyOf(t, c); Arrays.sort(s2); double med = s2[c / 2]; double sum = 0; for (double v : s2) sum += v;
            double stall = 0; int ns = 0;
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < c; i++) if (t[i] > 20 * med) { stall += t[i]; ns++; if (ns < 60) sb.append(String.format("  at %.3f s (uptime %.3f) %.2f ms%n", at[i], jvm0 / 1e3 + at[i], t[i] * 1e3)); }
            System.out.printf("%d x %d %s: %d calls, median %.1f us, mean %.1f us, %d stalls >20x holding %.1f %% of time%n%s", n, k, f, c, med * 1e6, sum / c * 1e6, ns, 100 * stall / sum, sb);
        }
    }
}
