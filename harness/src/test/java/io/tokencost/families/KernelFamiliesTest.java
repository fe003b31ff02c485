package io.tokencost.families;

import io.tokencost.backend.Backends;
import io.tokencost.backend.Session;
import io.tokencost.kernels.FamilyDescriptor;
import io.tokencost.kernels.KernelCheck;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry and the descriptors: each family once, named after its .cu file, served by every backend from its descriptor alone. */
class KernelFamiliesTest {

    @Test
    void eachFamilyIsOneCuFileWithItsOwnCheck() {
        Set<String> names = new HashSet<>();
        for (FamilyDescriptor<?> f : KernelFamilies.all()) {
            assertTrue(names.add(f.name()), "registered twice: " + f.name());
            assertEquals(f.name(), f.check().get().family(), "the check reports under the family's name");
            assertNotNull(KernelFamiliesTest.class.getResource("/io/tokencost/kernels/cuda/" + f.name() + ".ptx"), f.name() + ".cu was not built");
            assertTrue(f.launchers().isInterface(), f.launchers().getName());
        }
        List<String> checks = KernelFamilies.checks().stream().map(KernelCheck::family).toList();
        assertEquals(List.of("memory_stream", "qgemv", "gemm", "attention_decode", "attention_prefill", "transformer_ops", "model", "mma_probe"), checks);
    }

    /** The CPU backend runs the Java kernels, the emulation the CUDA host code; either session builds a family's launchers once and keeps them. */
    @Test
    void aSessionServesEveryFamilyFromItsDescriptorAndKeepsTheLaunchers() {
        for (String backend : List.of("cpu", "emu")) {
            try (Session session = Backends.byId(backend).open(0)) {
                for (FamilyDescriptor<?> f : KernelFamilies.all()) {
                    Object launchers = session.family(f);
                    assertTrue(f.launchers().isInstance(launchers), backend + " " + f.name());
                    String kind = launchers.getClass().getSimpleName();
                    assertTrue(kind.startsWith(backend.equals("cpu") ? "Cpu" : "Cuda"), backend + " " + f.name() + ": " + kind);
                    assertEquals(f.launchers().getPackage(), launchers.getClass().getPackage(), "a family's launchers live in its package");
                    assertSame(launchers, session.family(f), backend + " " + f.name() + " built twice");
                }
            }
        }
    }
}
