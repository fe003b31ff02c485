package io.tokencost.estimate;

import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read ceiling every lookup falls back to: memory's, not a cache's. */
class MeasuredRatesTest {

    private static List<ResultRow> withRead(String l2, double bytesPerS) {
        List<ResultRow> rows = new ArrayList<>(SyntheticRuns.rows("NVIDIA H100 80GB HBM3", 80L << 30));
        rows.get(0).set(Column.L2, "cold");
        ResultRow extra = new ResultRow().setAll(rows.get(0)).set(Column.L2, l2).set(Column.BYTES_PER_S, bytesPerS);
        rows.add(extra);
        return rows;
    }

    @Test
    void aWarmReadBesideAColdOneDoesNotRaiseTheCeiling() {
        MeasuredRates rates = MeasuredRates.of(withRead("warm", 3 * SyntheticRuns.READ));
        assertEquals(SyntheticRuns.READ, rates.readBytesPerS(), "the cold row's 100 GB/s, not the warm 300");
        assertTrue(rates.notes().isEmpty(), rates.notes().toString());
        assertEquals(2 * SyntheticRuns.READ, MeasuredRates.of(withRead("cold", 2 * SyntheticRuns.READ)).readBytesPerS(), "the best cold row");
    }

    @Test
    void onlyAWarmReadIsTakenAndSaidToBe() {
        List<ResultRow> rows = SyntheticRuns.rows("NVIDIA H100 80GB HBM3", 80L << 30);
        rows.get(0).set(Column.L2, "warm");
        MeasuredRates rates = MeasuredRates.of(rows);
        assertEquals(SyntheticRuns.READ, rates.readBytesPerS());
        assertEquals(List.of("no cold memory/read row: the read ceiling (100.0 GB/s) is a warm one, which caches may flatter"), rates.notes());
    }
}
