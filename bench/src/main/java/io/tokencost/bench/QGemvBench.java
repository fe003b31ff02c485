package io.tokencost.bench;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.kernels.qgemv.QGemvFamily;
import io.tokencost.measure.Workload;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The qgemv suite: y = x · Wᵀ with quantized weights, the decode step's linear layers; with
 * {@code kernel=dequantize}, W written out as fp16 instead (a long prefill's first step). Each launch
 * takes the next of {@code copies} weight sets (the harness sizes the set past 4x the last-level
 * cache), so weights come from memory as they do when a model's layers run in turn. Defaults:
 * Llama-3.1-8B's down projection at batch 1, for plain JMH use of the jar.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class QGemvBench extends DeviceBench {

    @Param({"fp16", "int8", "int4_g128"})
    public String format;

    @Param("4096")
    public int n;

    @Param("14336")
    public int k;

    @Param("1")
    public int batch;

    @Param("8")
    public int copies;

    /** {@code gemv}, or {@code dequantize} (int8 / int4 weights to fp16; batch unused). */
    @Param("gemv")
    public String kernel;

    private WeightFormat weightFormat;
    private Buffer[] weights;
    private Buffer[] scales;
    private Buffer x;
    private Buffer y;
    private boolean dequantize;
    private int next;

    @Override
    protected Workload prepare() {
        weightFormat = WeightFormat.of(format);
        QGemv.checkShape(weightFormat, n, k, batch);
        // one random matrix uploaded to every copy: distinct addresses are what defeats the cache
        QGemv.QuantizedMatrix m = QGemv.random(weightFormat, n, k, System.nanoTime());
        weights = new Buffer[copies];
        scales = new Buffer[copies];
        for (int i = 0; i < copies; i++) {
            weights[i] = session.allocate(m.weightType(), m.weightElements());
            weights[i].upload(m.weights());
            if (m.scales() != null) {
                scales[i] = session.allocate(DataType.F16, m.scales().length);
                scales[i].upload(m.scales());
            }
        }
        dequantize = kernel.equals("dequantize");
        if (dequantize) {
            x = null;
            y = session.allocate(DataType.F16, (long) n * k);
            return QGemv.dequantizeWorkload(weightFormat, n, k);
        }
        x = session.allocate(DataType.F16, (long) batch * k);
        x.upload(QGemv.randomActivations(batch, k, new SplittableRandom()));
        y = session.allocate(DataType.F32, (long) batch * n);
        return QGemv.workload(weightFormat, n, k, batch);
    }

    @Override
    protected void launch() {
        int i = next;
        next = (next + 1) % copies;
        if (dequantize) {
            QGemvFamily.on(session).dequantize(weightFormat, y, weights[i], scales[i], n, k);
        } else {
            QGemvFamily.on(session).gemv(weightFormat, y, x, weights[i], scales[i], n, k, batch);
        }
    }

    @Override
    protected void release() {
        for (int i = 0; i < copies; i++) {
            weights[i].close();
            if (scales[i] != null) {
                scales[i].close();
            }
        }
        if (x != null) {
            x.close();
        }
        y.close();
    }
}
