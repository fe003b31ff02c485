package io.tokencost.backend.cuda;

import io.tokencost.backend.Availability;
import io.tokencost.backend.BackendUnavailableException;
import io.tokencost.backend.Backends;
import io.tokencost.backend.Buffer;
import io.tokencost.kernels.memorystream.CudaMemoryStream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the CUDA backend does on any machine, GPU or not, and its driver-free arithmetic. */
class CudaBackendTest {

    @Test
    void availabilityNeverThrowsAndExplainsItselfInOneLine() {
        CudaBackend cuda = new CudaBackend();
        Availability a = assertDoesNotThrow(cuda::availability);
        assertEquals("cuda", cuda.id());
        if (!a.available()) {
            assertFalse(a.reason().isBlank(), "unavailable without a reason");
            assertFalse(a.reason().contains("\n"), "reason is not one line: " + a.reason());
            assertTrue(a.reason().length() < 300, "reason too long: " + a.reason());
            BackendUnavailableException e = assertThrows(BackendUnavailableException.class, cuda::devices);
            assertEquals(a.reason(), e.getMessage());
            assertThrows(BackendUnavailableException.class, () -> cuda.open(0));
        }
        assertSame(a, new CudaBackend().availability(), "the probe result is cached");
    }

    @Test
    void withoutTheDriverTheReasonSaysSo() {
        boolean driverInstalled = List.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1", "/usr/lib64/libcuda.so.1", "/usr/lib/wsl/lib/libcuda.so.1")
                .stream().anyMatch(p -> new java.io.File(p).exists());
        org.junit.jupiter.api.Assumptions.assumeFalse(driverInstalled, "an NVIDIA driver is installed here");
        Availability a = new CudaBackend().availability();
        assertFalse(a.available());
        assertTrue(a.reason().equals(CudaDriver.NO_DRIVER) || a.reason().startsWith("JCuda's native library"), a.reason());
    }

    @Test
    void registeredInBackends() {
        assertTrue(Backends.byId("cuda") instanceof CudaBackend);
    }

    @Test
    void peakBandwidthFromAttributes() {
        // H100 SXM: 2619 MHz HBM3, 5120-bit bus -> 3.35 TB/s
        assertEquals(3_352_320_000_000L, CudaDriver.peakBandwidth(2_619_000, 5120));
        assertEquals(0, CudaDriver.peakBandwidth(0, 5120));
    }

    @Test
    void clockFromCyclesAndNanoseconds() {
        assertEquals(1980.0, CudaSession.clockMhz(505_050, 1_000_000).getAsDouble(), 0.01);
        assertEquals(OptionalDouble.empty(), CudaSession.clockMhz(0, 0));
    }

    @Test
    void launchConfigsCoverEveryElementWithinTheResidentBlocks() {
        int maxBlocks = CudaMemoryStream.maxBlocks(132, 2048);   // H100: 132 SMs x 8 blocks of 256
        assertEquals(1056, maxBlocks);
        CudaMemoryStream ms = new CudaMemoryStream((m, f, c, args) -> { }, maxBlocks);
        assertEquals(new LaunchConfig(1, 256, 0), ms.config(0));
        assertEquals(new LaunchConfig(1, 256, 0), ms.config(1));
        assertEquals(1, ms.readPartials(1024));
        assertEquals(2, ms.readPartials(1025));
        assertEquals(977, ms.readPartials(1_000_003));   // ceil(ceil(1000003 / 4) / 256)
        assertEquals(1056, ms.readPartials(1L << 31));
        // copy, write and triad: one float4 per thread in one pass, however large the data
        assertEquals(new LaunchConfig(2_097_152, 256, 0), ms.streamConfig(1L << 31));
        assertEquals(new LaunchConfig(977, 256, 0), ms.streamConfig(1_000_003));
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(0, 256, 0));
    }

    @Test
    void memoryStreamPassesArgumentsInTheKernelsOrder() {
        List<Object[]> calls = new ArrayList<>();
        CudaMemoryStream ms = new CudaMemoryStream((module, function, config, args) -> {
            assertEquals("memory_stream", module);
            Object[] call = new Object[args.length + 2];
            call[0] = function;
            call[1] = config;
            System.arraycopy(args, 0, call, 2, args.length);
            calls.add(call);
        }, 8);
        Buffer a = new FakeBuffer(4099);
        Buffer b = new FakeBuffer(4099);
        Buffer c = new FakeBuffer(4099);
        Buffer p = new FakeBuffer(ms.readPartials(4099));
        ms.copy(a, b);
        ms.read(b, p);
        ms.write(a, 2.5f);
        ms.triad(a, b, c, 3f);
        LaunchConfig cfg = ms.config(4099);
        assertEquals(5, cfg.gridX());
        LaunchConfig one = ms.streamConfig(4099);
        assertEquals(5, one.gridX());
        assertEquals(List.of("stream_copy", one, a, b, 4099L), List.of(calls.get(0)));
        assertEquals(List.of("stream_read", cfg, p, b, 4099L), List.of(calls.get(1)));
        assertEquals(List.of("stream_write", one, a, 2.5f, 4099L), List.of(calls.get(2)));
        assertEquals(List.of("stream_triad", one, a, b, c, 3f, 4099L), List.of(calls.get(3)));
        LaunchConfig bigRead = ms.config(1 << 20);
        LaunchConfig bigCopy = ms.streamConfig(1 << 20);
        assertEquals(8, bigRead.gridX());
        assertEquals(1024, bigCopy.gridX());
        assertThrows(IllegalArgumentException.class, () -> ms.copy(a, new FakeBuffer(3)));
        assertThrows(IllegalArgumentException.class, () -> ms.read(b, new FakeBuffer(4)));
    }

    private record FakeBuffer(long elements) implements Buffer {
        @Override
        public io.tokencost.backend.DataType type() {
            return io.tokencost.backend.DataType.F32;
        }

        @Override
        public void upload(Object src) {
        }

        @Override
        public void download(Object dst) {
        }

        @Override
        public void poison() {
        }

        @Override
        public void close() {
        }
    }

    /** The GPU's UUID as nvidia-smi prints it, from the 16 bytes the driver gives. */
    @Test
    void aGpusUuidReadsAsNvidiaSmiPrintsIt() {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 16; i++) {
            bytes[i] = (byte) (0x10 * (i % 16) + i);
        }
        assertEquals("GPU-00112233-4455-6677-8899-aabbccddeeff", CudaDriver.formatUuid(bytes));
        assertEquals("", CudaDriver.formatUuid(new byte[3]));
        // no board at this bus id (nor NVML on a machine without the driver): no serial, no failure
        assertEquals("", NvmlSerial.of("ffff:ff:1f.7"));
    }
}
