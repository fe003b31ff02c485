package io.tokencost.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuScratchTest {

    @Test
    void anOwnersArrayIsReusedUntilALaunchNeedsMore() {
        CpuScratch scratch = new CpuScratch(2);
        float[] first = scratch.floats(0, 100);
        assertEquals(CpuScratch.START + 100, first.length, "START spare floats in front");
        first[7] = 3f;
        float[] smaller = scratch.floats(0, 40);
        assertSame(first, smaller, "a smaller launch takes the same array");
        assertEquals(3f, smaller[7], "contents stay: callers write before they read");
        float[] larger = scratch.floats(0, 101);
        assertNotSame(first, larger);
        assertTrue(larger.length >= CpuScratch.START + 101);
        assertSame(larger, scratch.floats(0, 100), "the grown array is kept");
    }

    @Test
    void ownersHaveTheirOwnArrays() {
        CpuScratch scratch = new CpuScratch(2);
        assertNotSame(scratch.floats(0, 16), scratch.floats(1, 16));
        assertSame(scratch.floats(0, 16), scratch.floats(16), "the one-owner form is owner 0");
    }

    @Test
    void startIsTheFirstFloatOnALinePastTheHeader() {
        assertEquals(12, CpuScratch.floatsBeforeLine(16), "HotSpot's array header with compressed class pointers");
        assertEquals(13, CpuScratch.floatsBeforeLine(12), "with compact object headers");
        assertEquals(10, CpuScratch.floatsBeforeLine(24), "without compressed class pointers");
        assertEquals(0, CpuScratch.floatsBeforeLine(64));
        assertEquals(12, CpuScratch.START, "this JVM: HotSpot 17+ with compressed class pointers, its default below 32 GiB of heap");
    }
}
