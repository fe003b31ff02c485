package io.tokencost.results;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TablePrinterTest {

    private static String printed(ResultRow row) {
        StringWriter s = new StringWriter();
        TablePrinter t = new TablePrinter(new PrintWriter(s));
        t.measured(row);
        t.flush();
        return s.toString();
    }

    private static ResultRow row(double noise, double ci, String noisy) {
        return new ResultRow().set(Column.SUITE, "qgemv").set(Column.KERNEL, "qgemv").set(Column.DTYPE, "fp16").set(Column.N, 4096)
                .set(Column.TIME_MEDIAN_S, 1e-3).set(Column.BYTES_PER_S, 1e9).set(Column.FLOPS_PER_S, 1e9).set(Column.NOISE_REL, noise)
                .set(Column.MEDIAN_CI_REL, ci).set(Column.NOISY, noisy).set(Column.SAMPLES, 100).set(Column.VERIFIED, "true");
    }

    /** A noisy row is marked with its median's own 95 % interval; a quiet one is not. */
    @Test
    void aNoisyRowIsMarkedWithItsMediansInterval() {
        String noisy = printed(row(0.62, 0.031, "yes"));
        assertTrue(noisy.stripTrailing().endsWith("NOISY (median ±3.1%)"), noisy);
        assertTrue(noisy.contains("62.00%"), noisy);
        assertFalse(printed(row(0.02, 0.001, "no")).contains("NOISY"));
    }
}
