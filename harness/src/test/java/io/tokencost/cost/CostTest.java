package io.tokencost.cost;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CostTest {

    @Test
    void decodeCeilingByHand() {
        // 8.03 B params x 2 bytes at 3.0 TB/s -> 186.8 tokens/s
        assertEquals(186.8, DecodeCeiling.tokensPerSecond(8.03e9 * 2, 3.0e12), 0.05);
        // $3.60/h at 100 tok/s: 0.001 $/s / 100 tok/s = 1e-5 $/token = $10 per 1M
        assertEquals(10.0, DecodeCeiling.usdPerMillionTokens(3.60, 100), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> DecodeCeiling.tokensPerSecond(0, 1));
    }

    @Test
    void llama8bParameterCountsMatchThePublishedSize() {
        ModelSpec m = ModelPresets.byName("llama-3.1-8b");
        assertEquals(8_030_261_248L, m.parameterCount());
        assertEquals(m.parameterCount(), m.activeParameterCount());
        // Llama-3.1-8B bf16 KV: 128 KiB per token
        assertEquals(128 * 1024, m.kvBytesPerToken(2));
        assertEquals(70_553_706_496L, ModelPresets.byName("Llama-3.1-70B").parameterCount());
    }

    @Test
    void moeActiveParametersCountOnlyTopKExperts() {
        ModelSpec mixtral = ModelPresets.byName("Mixtral-8x7B");
        assertEquals(46.70e9, mixtral.parameterCount(), 0.01e9);
        assertEquals(12.88e9, mixtral.activeParameterCount(), 0.01e9);
        ModelSpec qwen = ModelPresets.byName("Qwen3-30B-A3B");
        assertEquals(30.5e9, qwen.parameterCount(), 0.1e9);
        assertEquals(3.3e9, qwen.activeParameterCount(), 0.1e9);
    }

    @Test
    void weightBytesPerFormatIncludeScales() {
        assertEquals(4096.0 * 4096 * 2, WeightFormat.FP16.matrixBytes(4096, 4096));
        assertEquals(4096.0 * 4096 + 4096 * 2, WeightFormat.INT8.matrixBytes(4096, 4096));
        // int4 group 128: 0.5 byte + one fp16 scale per 128 weights = +0.125 bit/weight
        assertEquals(4096.0 * 4096 * (4.125 / 8), WeightFormat.INT4_G128.matrixBytes(4096, 4096));
        ModelSpec m = ModelPresets.byName("Llama-3.1-8B");
        // fp16 streams every weight but the input embedding: 8.03e9 - 128256*4096 params, 2 bytes each
        assertEquals((8_030_261_248L - 128256L * 4096) * 2.0, m.decodeWeightBytesPerToken(WeightFormat.FP16), 1);
        assertTrue(m.decodeWeightBytesPerToken(WeightFormat.INT4_G128) < 0.32 * m.decodeWeightBytesPerToken(WeightFormat.FP16));
    }

    @Test
    void summaryRowsCarryPriceAndSource() {
        ModelSpec m = ModelPresets.byName("Llama-3.1-8B");
        List<ResultRow> rows = DecodeCeilingSummary.rows(new ResultRow(), m, 3.0e12, Optional.of(Price.userGiven(3.6)));
        assertEquals(3, rows.size());
        ResultRow fp16 = rows.get(0);
        double tps = 3.0e12 / m.decodeWeightBytesPerToken(WeightFormat.FP16);
        assertEquals(tps, fp16.number(Column.TOKENS_PER_S), tps * 1e-5);
        assertEquals(3.6 / 3600 / tps * 1e6, fp16.number(Column.USD_PER_1M_TOKENS), 1e-4);
        assertEquals("user (--price-per-hour)", fp16.get(Column.PRICE_SOURCE));
        assertEquals("ceiling", fp16.get(Column.SUITE));
        List<ResultRow> unpriced = DecodeCeilingSummary.rows(new ResultRow(), m, 3.0e12, Optional.empty());
        assertEquals("", unpriced.get(0).get(Column.USD_PER_1M_TOKENS));
    }

    @Test
    void priceCatalogMatchesDeviceNamesWithDatedSources() {
        PriceCatalog c = PriceCatalog.load();
        Price h100 = c.lookup("NVIDIA H100 80GB HBM3").orElseThrow();
        assertEquals(3.49, h100.usdPerHour());
        assertTrue(h100.source().startsWith("on_demand 2026-09-25: ") && h100.source().contains("https://www.runpod.io/pricing"), h100.source());
        assertEquals(4.59, c.lookup("NVIDIA H200").orElseThrow().usdPerHour());
        assertEquals(0.7992, c.lookup("NVIDIA L4").orElseThrow().usdPerHour());
        assertEquals(1.09, c.lookup("NVIDIA L40S").orElseThrow().usdPerHour());
        // a GPU lookup never takes a host's per-vCPU entry
        assertTrue(c.lookup("Intel(R) Xeon(R) Processor").isEmpty());
    }

    /** Every row of both catalogs names a public https source and a date, and none cites a document outside them. */
    @Test
    void everyCatalogRowHasAPublicSourceAndADate() {
        for (String resource : List.of("prices.csv", "../estimate/api_prices.csv")) {
            for (var r : CatalogCsv.read(PriceCatalog.class, resource)) {
                String where = resource + " line " + r.getRecordNumber();
                assertTrue(r.get("source").contains("https://"), where + ": " + r.get("source"));
                assertTrue(r.get("date").matches("20\\d\\d-\\d\\d-\\d\\d|undated"), where + ": " + r.get("date"));
                assertFalse(r.get("source").toLowerCase(java.util.Locale.ROOT).contains("guide"), where + ": " + r.get("source"));
            }
        }
    }

    /** A host is priced per vCPU at the threads its run used, labelled so; without that count (an older run) it has no price. */
    @Test
    void aHostIsPricedPerVcpuAtTheThreadsItsRunUsed() {
        PriceCatalog c = PriceCatalog.load();
        Price host = c.lookup(new Hardware("AMD EPYC", true, 2)).orElseThrow();
        assertEquals(2 * 0.0504, host.usdPerHour(), 1e-12);
        assertTrue(host.source().startsWith("2 vCPUs (the threads this run used) x $0.0504/vCPU-h, on_demand 2023-08-02: AWS EC2 m7i.large"),
                host.source());
        assertEquals(16 * 0.0504, c.lookup(new Hardware("Intel(R) Xeon(R) Platinum 8480+", true, 16)).orElseThrow().usdPerHour(), 1e-12);
        assertTrue(c.lookup(new Hardware("AMD EPYC", true, 0)).isEmpty());
        assertEquals(3.49, c.lookup(Hardware.gpu("NVIDIA H100 80GB HBM3")).orElseThrow().usdPerHour());
    }

    /** Prices print to the cent, a host's to the fraction of a cent that its per-vCPU figure has. */
    @Test
    void pricesPrintAsTheirFiguresAre() {
        assertEquals("$3.49/h", new Price(3.49, "s").perHour());
        assertEquals("$0.10/h", Price.userGiven(0.1).perHour());
        assertEquals("$0.1008/h", new Price(2 * 0.0504, "s").perHour());
        assertEquals("$55.04/h", new Price(55.04, "s").perHour());
        assertEquals("$0.7992/h", new Price(0.7992, "s").perHour());
    }

    /** Rows carry what a price needs: the CPU backend's rows are a host's with its threads, a GPU's are not. */
    @Test
    void hardwareOfARowIsAHostOnlyOnTheCpuBackend() {
        ResultRow host = new ResultRow().set(Column.BACKEND, "cpu").set(Column.DEVICE_NAME, "AMD EPYC").set(Column.CPU_THREADS, 2);
        assertEquals(new Hardware("AMD EPYC", true, 2), Hardware.of(host));
        ResultRow older = new ResultRow().set(Column.BACKEND, "cpu").set(Column.DEVICE_NAME, "AMD EPYC");
        assertEquals(new Hardware("AMD EPYC", true, 0), Hardware.of(older));
        ResultRow gpu = new ResultRow().set(Column.BACKEND, "cuda").set(Column.DEVICE_NAME, "NVIDIA H200");
        assertEquals(Hardware.gpu("NVIDIA H200"), Hardware.of(gpu));
    }

    @Test
    void badPricesAndUnknownModelsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Price.userGiven(-1));
        assertThrows(IllegalArgumentException.class, () -> Price.userGiven(Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelPresets.byName("gpt-9"));
        assertTrue(e.getMessage().contains("Llama-3.1-8B"));
    }
}
