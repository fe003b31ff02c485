package io.tokencost.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/** Standard JMH use of the jar: {@code tokencost jmh MemoryBench -p op=copy -prof gc ...}. */
@Command(name = "jmh", description = "Runs JMH's own command line on the benchmarks in this jar (all JMH options work).")
final class JmhCommand implements Callable<Integer> {

    /** Everything after {@code jmh} goes to org.openjdk.jmh.Main unchanged (try {@code jmh -h}). */
    @Unmatched
    List<String> args = new java.util.ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(new String[0]));
        return 0;
    }
}
