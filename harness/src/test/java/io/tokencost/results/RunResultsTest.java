package io.tokencost.results;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunResultsTest {

    @TempDir
    Path dir;

    static ResultRow row(String device, String kernel, double seconds) {
        return new ResultRow().set(Column.SCHEMA_VERSION, Column.SCHEMA_VERSION_CURRENT).set(Column.BACKEND, "cpu").set(Column.HOST, "h")
                .set(Column.DEVICE_NAME, device).set(Column.DEVICE_INDEX, 0).set(Column.SUITE, "memory").set(Column.KERNEL, kernel)
                .set(Column.TIME_MEDIAN_S, seconds);
    }

    Path run(String name, ResultRow... rows) throws java.io.IOException {
        Path folder = Files.createDirectories(dir.resolve("runs").resolve(name));
        CsvResultWriter w = new CsvResultWriter(folder.resolve(RunOutput.CSV));
        for (ResultRow r : rows) {
            w.append(r);
        }
        w.close();
        return folder;
    }

    @Test
    void laterRunsOfTheNewestDeviceReplaceEarlierRowsOfTheSameCase() throws Exception {
        run("20261101T000000Z-h-cpu", row("cpu A", "read", 1), row("cpu A", "copy", 1));
        run("20261102T000000Z-h-gpu", row("gpu B", "read", 5));
        Path partial = run("20261103T000000Z-h-cpu", row("cpu A", "read", 2));
        Files.move(partial.resolve(RunOutput.CSV), partial.resolve(RunOutput.CSV + ".partial"));   // a run that crashed counts too
        RunResults r = RunResults.latestDevice(dir.resolve("runs"));
        assertEquals(2, r.files().size(), "the gpu run is another device");
        assertEquals("cpu A", r.identity(Column.DEVICE_NAME));
        assertEquals(List.of("read:2", "copy:1"), r.rows().stream().map(x -> x.get(Column.KERNEL) + ":" + x.get(Column.TIME_MEDIAN_S)).toList());
    }

    @Test
    void mixedDevicesEmptyAndMissingInputsAreRejected() throws Exception {
        Path a = run("a", row("cpu A", "read", 1));
        Path b = run("b", row("gpu B", "read", 1));
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> RunResults.of(List.of(a, b)));
        assertTrue(mixed.getMessage().contains("estimate one device at a time"), mixed.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> RunResults.latestDevice(dir.resolve("nothing")));
        assertTrue(none.getMessage().contains("run `tokencost run` first"), none.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> RunResults.of(List.of(dir.resolve("x.csv"))));
        assertTrue(missing.getMessage().contains("no such results file"), missing.getMessage());
        Path empty = run("c");
        assertThrows(IllegalArgumentException.class, () -> RunResults.of(List.of(empty)));
    }
}
