package io.tokencost.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An export's folder against its golden copy under src/test/resources/golden/NAME, file by file and
 * byte for byte; {@code -Dgolden.update=true} rewrites the golden copy (then read its diff).
 */
public final class GoldenFiles {

    private GoldenFiles() {
    }

    public static void assertMatches(String name, Path written) throws IOException {
        Path golden = Path.of("src/test/resources/golden").resolve(name);
        if (Boolean.getBoolean("golden.update")) {
            if (Files.exists(golden)) {
                try (Stream<Path> old = Files.walk(golden)) {
                    old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            for (Path f : files(written)) {
                Path target = golden.resolve(written.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
        List<String> expected = files(golden).stream().map(p -> golden.relativize(p).toString()).toList();
        List<String> actual = files(written).stream().map(p -> written.relativize(p).toString()).toList();
        assertEquals(expected, actual, "the files written");
        for (String f : expected) {
            assertEquals(Files.readString(golden.resolve(f)), Files.readString(written.resolve(f)), f + " (-Dgolden.update=true rewrites the golden copy)");
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
