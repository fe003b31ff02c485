package io.tokencost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bundle this build made (bench/bundle.sh, before the integration tests), for the tests that unpack and run it. */
final class BuiltBundle {

    private static final Path TARGET = Path.of(System.getProperty("user.dir")).resolve("target");

    private BuiltBundle() {
    }

    static Path tarball() throws IOException {
        try (var files = Files.list(TARGET)) {
            return files.filter(f -> f.getFileName().toString().matches("tokencost-.*-linux-x86_64\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("the build made no bundle in " + TARGET));
        }
    }

    /** Unpacks it into {@code dir}; returns the bundle's folder (bin/, lib/, runtime/). */
    static Path unpack(Path dir) throws IOException, InterruptedException {
        Process tar = new ProcessBuilder("tar", "-xzf", tarball().toString(), "-C", dir.toString()).inheritIO().start();
        if (tar.waitFor() != 0) {
            throw new IllegalStateException("tar could not unpack " + tarball());
        }
        try (var dirs = Files.list(dir)) {
            return dirs.findFirst().orElseThrow();
        }
    }
}
