package io.tokencost.suite;

import io.tokencost.cost.WeightFormat;
import io.tokencost.kernels.attentiondecode.AttentionDecode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class BenchCaseTest {

    private static final io.tokencost.backend.DeviceProperties HOST = ModelSuitesTest.device("cpu", 24L << 30);
    private static final long COLD = CacheRotation.coldSetBytes(HOST, 0);

    /** The run leaves out a model's kernel case when a suite's case has its label: a label must tell formats apart. */
    @Test
    void casesOfOneShapeInTwoFormatsHaveTwoLabels() {
        BenchCase int4 = QGemvSuite.qgemvCase(WeightFormat.INT4_G128, 4096, 14336, 1, HOST, COLD);
        BenchCase fp16 = QGemvSuite.qgemvCase(WeightFormat.FP16, 4096, 14336, 1, HOST, COLD);
        assertEquals("qgemv/qgemv fp16 int4_g128 n=4096 k=14336 batch=1", int4.label());
        assertEquals("qgemv/qgemv fp16 n=4096 k=14336 batch=1", fp16.label(), "a weight format that is the dtype is said once");
        AttentionDecode.Shape shape = new AttentionDecode.Shape(1, 32, 8, 128, 1024);
        List<String> kv = List.of(AttentionSuite.decodeCase(AttentionDecode.KvFormat.FP16, shape, HOST, COLD).label(),
                AttentionSuite.decodeCase(AttentionDecode.KvFormat.INT8, shape, HOST, COLD).label());
        assertNotEquals(kv.get(0), kv.get(1), kv.toString());
        assertEquals("memory/copy fp32 n=1024", new BenchCase("memory", "memory_stream/copy", "copy", "fp32", "", Map.of(io.tokencost.results.Column.N, 1024L),
                int4.workload(), 0, "warm", "b", Map.of()).label());
    }
}
