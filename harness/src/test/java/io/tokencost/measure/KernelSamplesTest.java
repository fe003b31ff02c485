package io.tokencost.measure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KernelSamplesTest {

    @TempDir
    Path dir;

    /** A timed launch's recording allocates nothing (a boxed Double each was 16 bytes per launch), and an iteration past the first buffer still keeps every sample. */
    @Test
    void recordingALaunchAllocatesNothing() {
        KernelSamples s = KernelSamples.get();
        s.reset();
        s.beginIteration(false);
        for (int i = 0; i < 1000; i++) {
            s.recordKernelSeconds(1e-3);   // compiled and warm before the count
        }
        s.endIteration();
        s.beginIteration(false);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 4000; i++) {
            s.recordKernelSeconds(2e-3);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 1024, allocated + " bytes allocated for 4000 launches");
        for (int i = 0; i < 6000; i++) {
            s.recordKernelSeconds(3e-3);
        }
        List<Double> samples = s.endIteration();
        assertEquals(10_000, samples.size());
        assertEquals(3e-3, samples.get(9_999));
        s.reset();
    }

    @Test
    void warmUpIsDroppedAndEveryTrialsFileIsRead() {
        KernelSamples s = KernelSamples.get();
        s.reset();
        s.beginIteration(true);
        s.recordKernelSeconds(9.0);
        s.recordClockMhz(100);
        assertEquals(List.of(), s.endIteration());
        s.beginIteration(false);
        s.recordKernelSeconds(1.0);
        s.recordKernelSeconds(2.0);
        s.recordClockMhz(1980);
        assertEquals(List.of(1.0, 2.0), s.endIteration());
        s.writeTo(dir.resolve("samples-1-1.json"));
        s.reset();
        s.beginIteration(false);
        s.recordKernelSeconds(3.0);
        s.endIteration();
        s.writeTo(dir.resolve("samples-2-1.json"));
        KernelSamples.Raw all = KernelSamples.readAll(dir);
        assertEquals(List.of(1.0, 2.0, 3.0), all.kernelSeconds());
        assertEquals(List.of(1980.0), all.clockMhz());
        s.reset();
    }

    /** A run's passes over its cases: each case's trials pooled in order, every list alike. */
    @Test
    void passesConcatenateInOrder() {
        KernelSamples.Raw first = new KernelSamples.Raw(List.of(1.0, 2.0), List.of(0.5), List.of(1980.0), List.of(10.0), "nvml");
        KernelSamples.Raw second = new KernelSamples.Raw(List.of(3.0), List.of(0.6, 0.7), List.of(), List.of(11.0), "nvml");
        KernelSamples.Raw both = KernelSamples.Raw.concat(List.of(first, second));
        assertEquals(new KernelSamples.Raw(List.of(1.0, 2.0, 3.0), List.of(0.5, 0.6, 0.7), List.of(1980.0), List.of(10.0, 11.0), "nvml"), both);
        assertEquals(first, KernelSamples.Raw.concat(List.of(first)));
    }

    /** JMH's generated code tears the trial down (which writes the file) before the profiler ends the last iteration. */
    @Test
    void theLastIterationCountsThoughTheTrialEndsInsideIt() {
        KernelSamples s = KernelSamples.get();
        s.reset();
        s.beginIteration(true);
        s.recordKernelSeconds(9.0);
        s.endIteration();
        for (int i = 1; i <= 3; i++) {
            s.beginIteration(false);
            s.recordKernelSeconds(i);
            if (i == 3) {
                s.writeTo(dir.resolve("samples-1-1.json"));
            }
            assertEquals(List.of((double) i), s.endIteration());
        }
        assertEquals(List.of(1.0, 2.0, 3.0), KernelSamples.readAll(dir).kernelSeconds());
        // a trial torn down in a warm-up iteration (a failed run) writes no warm-up sample
        s.reset();
        s.beginIteration(true);
        s.recordKernelSeconds(9.0);
        s.writeTo(dir.resolve("samples-2-1.json"));
        assertEquals(List.of(), KernelSamples.readFrom(dir.resolve("samples-2-1.json")).kernelSeconds());
        s.reset();
    }
}