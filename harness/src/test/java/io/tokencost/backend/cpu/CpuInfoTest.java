package io.tokencost.backend.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuInfoTest {

    @Test
    void hugePagesReadTheKernelsSelectedModeAndWhetherTheHeapAsks() {
        assertEquals("madvise: the heap asks for them", CpuInfo.hugePages("always [madvise] never", true));
        assertEquals("madvise: the heap is on 4 KiB pages (start java with -XX:+UseTransparentHugePages)",
                CpuInfo.hugePages("always [madvise] never", false));
        assertEquals("always: the heap gets them", CpuInfo.hugePages("[always] madvise never", false));
        assertEquals("never: the heap is on 4 KiB pages", CpuInfo.hugePages("always madvise [never]", true));
        assertTrue(CpuInfo.hugePages(null, true).startsWith("unknown (no /sys/kernel/mm/transparent_hugepage/enabled"));
    }

    @Test
    void theDeviceDetailsRecordTheHugePageMode() {
        String thp = CpuInfo.read().details().get("transparent_huge_pages");
        assertTrue(thp != null && !thp.isBlank(), "transparent_huge_pages missing from the CPU's details");
    }
}
