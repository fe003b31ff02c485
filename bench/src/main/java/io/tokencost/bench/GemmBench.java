package io.tokencost.bench;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.gemm.Gemm;
import io.tokencost.kernels.gemm.GemmFamily;
import io.tokencost.measure.Workload;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The gemm suite: C = A · Bᵀ, the prefill step's linear layers (M = tokens) and squares, on
 * random inputs uniform in [-1, 1). Defaults: Llama-3.1-8B's o projection over a 512-token
 * prompt in fp16, for plain JMH use of the jar.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GemmBench extends DeviceBench {

    @Param({"fp16", "bf16", "fp32"})
    public String dtype;

    @Param("512")
    public int m;

    @Param("4096")
    public int n;

    @Param("4096")
    public int k;

    private DataType type;
    private Buffer a;
    private Buffer b;
    private Buffer c;

    @Override
    protected Workload prepare() {
        type = FloatTypes.ofId(dtype);
        Gemm.checkShape(type, m, n, k);
        SplittableRandom random = new SplittableRandom();
        a = session.allocate(type, (long) m * k);
        a.upload(FloatTypes.random(type, m * k, random));
        b = session.allocate(type, (long) n * k);
        b.upload(FloatTypes.random(type, n * k, random));
        c = session.allocate(type, (long) m * n);
        return Gemm.workload(type, m, n, k);
    }

    @Override
    protected void launch() {
        GemmFamily.on(session).gemm(type, c, a, b, m, n, k);
    }

    @Override
    protected void release() {
        a.close();
        b.close();
        c.close();
    }
}
