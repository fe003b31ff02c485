package io.tokencost.backend.cpu;

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
        assertEquals(100, first.length);
        first[7] = 3f;
        float[] smaller = scratch.floats(0, 40);
        assertSame(first, smaller, "a smaller launch takes the same array");
        assertEquals(3f, smaller[7], "contents stay: callers write before they read");
        float[] larger = scratch.floats(0, 101);
        assertNotSame(first, larger);
        assertTrue(larger.length >= 101);
        assertSame(larger, scratch.floats(0, 100), "the grown array is kept");
    }

    @Test
    void ownersHaveTheirOwnArrays() {
        CpuScratch scratch = new CpuScratch(2);
        assertNotSame(scratch.floats(0, 16), scratch.floats(1, 16));
        assertSame(scratch.floats(0, 16), scratch.floats(16), "the one-owner form is owner 0");
    }
}
