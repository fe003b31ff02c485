package io.tokencost.cli;

import io.tokencost.results.RunResults;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** {@code --results}: the measured rows a command reads, by default every run of the newest run's device. */
final class ResultsOption {

    @Option(names = "--results", paramLabel = "FILE|DIR", split = ",",
            description = "Results CSVs or run folders of one device (default: every run under results/runs of the newest run's device).")
    List<Path> results;

    RunResults load() {
        return results == null || results.isEmpty() ? RunResults.latestDevice(Path.of("results", "runs")) : RunResults.of(results);
    }
}
