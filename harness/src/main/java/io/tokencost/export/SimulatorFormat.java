package io.tokencost.export;

import io.tokencost.results.ResultRow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One estimator's or simulator's input format at one version of its loader: the adapter behind
 * {@code export --format}. A format change upstream is one new adapter beside the old, with the
 * target's version in its class name and in every folder it writes.
 */
public interface SimulatorFormat {

    /** The {@code --format} name, e.g. {@code aiconfigurator}. */
    String id();

    /** The loader the files are written for, e.g. {@code AIConfigurator 0.9.0}: said in the output's README. */
    String target();

    /**
     * Writes the measured rows in the target's format under {@code dir}. Bad input (rows the format needs
     * are missing) is an IllegalArgumentException that names what to run.
     */
    Written write(List<ResultRow> rows, ExportOptions options, Path dir) throws IOException;

    /** What an export wrote, and lines for the user (how to use it, what was left out). */
    record Written(List<Path> files, List<String> messages) {

        public Written {
            files = List.copyOf(files);
            messages = List.copyOf(messages);
        }
    }
}
