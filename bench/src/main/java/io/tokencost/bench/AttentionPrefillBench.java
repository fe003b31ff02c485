package io.tokencost.bench;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.kernels.FloatTypes;
import io.tokencost.kernels.attentionprefill.AttentionPrefill;
import io.tokencost.kernels.attentionprefill.AttentionPrefillFamily;
import io.tokencost.measure.Workload;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The attention suite's prefill: causal self-attention over a prompt, on random q, k, v uniform in
 * [-1, 1). Defaults: Llama-3.1-8B's heads (32 q, 8 kv, 128 dims) over 2048 tokens in fp16, for
 * plain JMH use of the jar.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AttentionPrefillBench extends DeviceBench {

    @Param({"fp16", "bf16"})
    public String dtype;

    @Param("1")
    public int batch;

    @Param("32")
    public int heads;

    @Param("8")
    public int kvHeads;

    @Param("128")
    public int headDim;

    @Param("2048")
    public int seq;

    private DataType type;
    private AttentionPrefill.Shape shape;
    private Buffer q;
    private Buffer k;
    private Buffer v;
    private Buffer o;

    @Override
    protected Workload prepare() {
        type = FloatTypes.ofId(dtype);
        AttentionPrefill.checkType(type);
        shape = new AttentionPrefill.Shape(batch, heads, kvHeads, headDim, seq);
        SplittableRandom random = new SplittableRandom();
        q = upload(AttentionPrefill.random(type, shape.qElements(), random));
        k = upload(AttentionPrefill.random(type, shape.kvElements(), random));
        v = upload(AttentionPrefill.random(type, shape.kvElements(), random));
        o = session.allocate(type, shape.qElements());
        return AttentionPrefill.workload(type, shape);
    }

    private Buffer upload(short[] values) {
        Buffer b = session.allocate(type, values.length);
        b.upload(values);
        return b;
    }

    @Override
    protected void launch() {
        AttentionPrefillFamily.on(session).prefill(type, o, q, k, v, shape);
    }

    @Override
    protected void release() {
        q.close();
        k.close();
        v.close();
        o.close();
    }
}
