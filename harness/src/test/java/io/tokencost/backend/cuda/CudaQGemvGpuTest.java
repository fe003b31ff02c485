package io.tokencost.backend.cuda;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.Session;
import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.Tolerance;
import io.tokencost.kernels.qgemv.QGemv;
import io.tokencost.kernels.qgemv.QGemvFamily;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs every qgemv kernel on the GPU against QGemv.reference (odd and Llama shapes); skipped without a GPU. */
class CudaQGemvGpuTest {

    private static Session session;

    @BeforeAll
    static void open() {
        session = GpuTests.openOrSkip(CudaQGemvGpuTest.class);
    }

    @AfterAll
    static void close() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void everyFormatMatchesTheReference() {
        SplittableRandom random = new SplittableRandom();
        int[][] shapes = {{1, 128}, {7, 1000}, {33, 256}, {257, 1024}, {4096, 4096}};
        int[] batches = {1, 2, 3, 5, 8, 16, 33, 64};
        for (WeightFormat f : QGemv.FORMATS) {
            for (int[] shape : shapes) {
                int n = shape[0];
                int k = f == WeightFormat.INT4_G128 ? (shape[1] + 127) / 128 * 128 : shape[1];
                for (int batch : batches) {
                    if (batch > QGemv.CUDA_CORE_MAX_BATCH && k % QGemv.tensorCoreStep(f) != 0) {
                        continue;   // past batch 16 only tensor cores, which take k in whole steps
                    }
                    QGemv.QuantizedMatrix m = QGemv.random(f, n, k, random.nextLong());
                    short[] x = QGemv.randomActivations(batch, k, random);
                    double[] ref = QGemv.reference(m, x, batch);
                    try (Buffer y = session.allocate(DataType.F32, (long) batch * n);
                         Buffer xb = session.allocate(DataType.F16, (long) batch * k);
                         Buffer w = session.allocate(m.weightType(), m.weightElements());
                         Buffer s = session.allocate(DataType.F16, Math.max(1, QGemv.scaleElements(f, n, k)))) {
                        xb.upload(x);
                        w.upload(m.weights());
                        if (m.scales() != null) {
                            s.upload(m.scales());
                        }
                        y.poison();
                        QGemvFamily.on(session).gemv(f, y, xb, w, m.scales() == null ? null : s, n, k, batch);
                        float[] out = new float[batch * n];
                        y.download(out);
                        double err = Tolerance.relativeError(out, ref);
                        assertTrue(err < 1e-4, f + " n=" + n + " k=" + k + " batch=" + batch + ": relative error " + err);
                    }
                }
            }
        }
    }
}
