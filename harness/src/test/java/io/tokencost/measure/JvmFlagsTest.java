package io.tokencost.measure;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JvmFlagsTest {

    @Test
    void hugePagesAreAskedForOnLinuxOnly() {
        assertEquals(List.of("-XX:+UseTransparentHugePages"), JvmFlags.hugePages("Linux"));
        // HotSpot on other systems does not know the flag and would refuse to start a fork
        assertEquals(List.of(), JvmFlags.hugePages("Mac OS X"));
        assertEquals(List.of(), JvmFlags.hugePages("Windows 11"));
    }

    @Test
    void timingJvmsInlineDeeperAndPutObjectsOnLinesEverywhere() {
        assertEquals("-XX:MaxInlineLevel=30", JvmFlags.INLINE_DEPTH);
        assertEquals("-XX:ObjectAlignmentInBytes=64", JvmFlags.LINE_ALIGNED_OBJECTS);
        assertEquals("-XX:Tier3DelayOn=100000", JvmFlags.FULL_PROFILES);
        assertEquals(List.of(JvmFlags.INLINE_DEPTH, JvmFlags.LINE_ALIGNED_OBJECTS, JvmFlags.FULL_PROFILES), JvmFlags.forTiming().subList(0, 3));
        assertEquals(3 + JvmFlags.hugePages().size(), JvmFlags.forTiming().size());
    }
}
