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
    void timingJvmsInlineDeeperEverywhere() {
        assertEquals("-XX:MaxInlineLevel=30", JvmFlags.INLINE_DEPTH);
        assertEquals(JvmFlags.INLINE_DEPTH, JvmFlags.forTiming().get(0));
        assertEquals(1 + JvmFlags.hugePages().size(), JvmFlags.forTiming().size());
    }
}
