package io.tokencost.bench;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import io.tokencost.kernels.attentiondecode.AttentionDecodeFamily;
import io.tokencost.measure.Workload;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The attention suite's decode step: every sequence's query token against its KV cache. Each
 * launch takes the next of {@code copies} caches (the harness sizes the set past 4x the last-level
 * cache on hosts), as a model's layers read their own caches in turn. Defaults: Llama-3.1-8B's
 * heads (32 q, 8 kv, 128 dims) at 8192 tokens, batch 1, contiguous ({@code -p pageSize=16} reads a paged
 * cache), for plain JMH use of the jar.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AttentionDecodeBench extends DeviceBench {

    @Param({"fp16", "int8"})
    public String kv;

    @Param("1")
    public int batch;

    @Param("32")
    public int heads;

    @Param("8")
    public int kvHeads;

    @Param("128")
    public int headDim;

    @Param("8192")
    public int context;

    @Param("1")
    public int copies;

    /** 0: contiguous cache; 16: paged (a pool of 16-token pages in random order, read through a block table). */
    @Param("0")
    public int pageSize;

    private AttentionDecode.KvFormat format;
    private AttentionDecode.Shape shape;
    private Buffer[] k;
    private Buffer[] v;
    private Buffer[] kScales;
    private Buffer[] vScales;
    private Buffer q;
    private Buffer o;
    private Buffer workspace;
    private Buffer table;
    private int next;

    @Override
    protected Workload prepare() {
        format = AttentionDecode.KvFormat.of(kv);
        shape = new AttentionDecode.Shape(batch, heads, kvHeads, headDim, context);
        // random tensors, each uploaded to every copy and then dropped (the host holds one at a
        // time): distinct addresses are what defeats the cache
        SplittableRandom random = new SplittableRandom();
        if (pageSize != 0 && pageSize != AttentionDecode.PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be 0 (contiguous) or " + AttentionDecode.PAGE_SIZE + ", got " + pageSize);
        }
        // paged: the pool holds every sequence's pages, whole, in random order
        int pages = shape.batch() * AttentionDecode.pagesPerSequence(shape);
        int rows = pageSize == 0 ? shape.scaleElements() : pages * shape.kvHeads() * AttentionDecode.PAGE_SIZE;
        k = uploadCopies(format.type(), AttentionDecode.randomTensor(format, rows * headDim, random));
        v = uploadCopies(format.type(), AttentionDecode.randomTensor(format, rows * headDim, random));
        if (pageSize != 0) {
            int[] order = random.ints(0, pages).distinct().limit(pages).toArray();
            table = upload(DataType.U32, order);
        }
        if (format == AttentionDecode.KvFormat.INT8) {
            kScales = uploadCopies(DataType.F16, AttentionDecode.randomScales(rows, random));
            vScales = uploadCopies(DataType.F16, AttentionDecode.randomScales(rows, random));
        } else {
            kScales = new Buffer[copies];
            vScales = new Buffer[copies];
        }
        q = upload(DataType.F16, AttentionDecode.randomQueries(shape, random));
        o = session.allocate(DataType.F32, shape.qElements());
        long work = AttentionDecodeFamily.on(session).workspaceElements(shape);
        workspace = work == 0 ? null : session.allocate(DataType.F32, work);
        return AttentionDecode.workload(format, shape);
    }

    private Buffer[] uploadCopies(DataType type, Object values) {
        Buffer[] out = new Buffer[copies];
        for (int i = 0; i < copies; i++) {
            out[i] = upload(type, values);
        }
        return out;
    }

    private Buffer upload(DataType type, Object values) {
        Buffer b = session.allocate(type, java.lang.reflect.Array.getLength(values));
        b.upload(values);
        return b;
    }

    @Override
    protected void launch() {
        int i = next;
        next = (next + 1) % copies;
        AttentionDecodeFamily.on(session).decode(format, o, q, k[i], v[i], kScales[i], vScales[i], table, workspace, shape);
    }

    @Override
    protected void release() {
        for (int i = 0; i < copies; i++) {
            k[i].close();
            v[i].close();
            if (kScales[i] != null) {
                kScales[i].close();
                vScales[i].close();
            }
        }
        q.close();
        o.close();
        if (workspace != null) {
            workspace.close();
        }
        if (table != null) {
            table.close();
        }
    }
}
