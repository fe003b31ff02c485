package io.tokencost.cli;

import io.tokencost.fleet.FleetCollection;
import io.tokencost.fleet.FleetFormats;
import io.tokencost.fleet.KubernetesJob;
import io.tokencost.fleet.SlurmScript;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "fleet", mixinStandardHelpOptions = true, subcommands = {FleetCommand.Slurm.class, FleetCommand.Kubernetes.class, FleetCommand.Collect.class},
        description = {"The same run on many GPUs through the scheduler that owns them: writes a Slurm job array script or a Kubernetes "
                + "Indexed Job to submit (tokencost schedules nothing). Each task writes its own run folder under one results root, "
                + "and gets SIGTERM before its time limit, so its finished cases are kept and --resume can complete it."})
final class FleetCommand {

    /** Writes the rendered text to {@code out}, or prints it; says where it went on stderr. */
    static int emit(CommandSpec spec, String text, Path out, String next) throws IOException {
        if (out == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
        } else {
            Files.writeString(out, text, StandardCharsets.UTF_8);
            spec.commandLine().getErr().println("wrote " + out + "; " + next.replace("FILE", out.toString()));
        }
        return 0;
    }

    @Command(name = "slurm", mixinStandardHelpOptions = true,
            description = "An sbatch script: a job array of --tasks, one GPU each, each task's run in <results-root>/tokencost-<array job>_<task>-<node>.")
    static final class Slurm implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--tasks", required = true, paramLabel = "N", description = "Array tasks: GPUs measured, one each.")
        int tasks;

        @Option(names = "--results-root", required = true, paramLabel = "DIR", description = "A folder every node sees (a shared file system).")
        String resultsRoot;

        @Option(names = "--gpu", paramLabel = "TYPE", defaultValue = "", description = "The gres GPU type (e.g. h100); any GPU without it.")
        String gpu;

        @Option(names = "--partition", paramLabel = "P", defaultValue = "")
        String partition;

        @Option(names = "--constraint", paramLabel = "C", defaultValue = "", description = "A node feature (e.g. a GPU model the site names so).")
        String constraint;

        @Option(names = "--time", paramLabel = "HH:MM:SS", defaultValue = "", description = "The tasks' time limit; the run gets SIGTERM 2 minutes before it.")
        String time;

        @Option(names = "--exclusive", description = "Whole nodes: no other job beside the measurement.")
        boolean exclusive;

        @Option(names = "--image", paramLabel = "IMG", defaultValue = "", description = "Run in this container image through pyxis (srun --container-image).")
        String image;

        @Option(names = "--bundle", paramLabel = "PATH", defaultValue = "", description = "Run the unpacked bundle at PATH on the nodes (no Java needed there).")
        String bundle;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the script here (default: print it).")
        Path out;

        @Parameters(paramLabel = "RUN-ARGS", description = "After --: the arguments of tokencost run (e.g. -- --backend cuda --suite memory,qgemv).")
        List<String> runArgs = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            String script = new SlurmScript(tasks, resultsRoot, gpu, partition, constraint, time, exclusive, image, bundle, runArgs).render();
            return emit(spec, script, out, "submit it with: sbatch FILE");
        }
    }

    @Command(name = "k8s", mixinStandardHelpOptions = true,
            description = "A Kubernetes Indexed Job: --tasks pods, one GPU each, each pod's run on the claim's volume in /results/<name>-<index>-<node>.")
    static final class Kubernetes implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--tasks", required = true, paramLabel = "N", description = "Pods: GPUs measured, one each.")
        int tasks;

        @Option(names = "--image", required = true, paramLabel = "IMG", description = "The container image whose entrypoint is tokencost.")
        String image;

        @Option(names = "--pvc", required = true, paramLabel = "CLAIM", description = "A ReadWriteMany PersistentVolumeClaim for the results.")
        String claim;

        @Option(names = "--gpu-product", paramLabel = "LABEL-VALUE", defaultValue = "",
                description = "The nodes' nvidia.com/gpu.product label value (e.g. NVIDIA-H100-80GB-HBM3; clusters name them differently).")
        String gpuProduct;

        @Option(names = "--name", paramLabel = "NAME", defaultValue = "tokencost", description = "The Job's name (default: ${DEFAULT-VALUE}).")
        String name;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the manifest here (default: print it).")
        Path out;

        @Parameters(paramLabel = "RUN-ARGS", description = "After --: the arguments of tokencost run.")
        List<String> runArgs = new ArrayList<>();

        @Override
        public Integer call() throws IOException {
            String manifest = new KubernetesJob(name, tasks, image, claim, gpuProduct, runArgs).render();
            return emit(spec, manifest, out, "submit it with: kubectl apply -f FILE");
        }
    }

    @Command(name = "collect", mixinStandardHelpOptions = true,
            description = "The fleet's runs under ROOT, per GPU model: every node's time per case, the node-to-node spread, and the nodes outside "
                    + "their peers' spread (with the numbers); tasks that failed or stopped, and why.")
    static final class Collect implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ROOT", description = "The results root the tasks wrote their run folders into.")
        Path root;

        @Option(names = "--threshold", paramLabel = "PCT", defaultValue = "5",
                description = "The least deviation from the peers' median that makes an outlier, in percent (default: ${DEFAULT-VALUE}).")
        double thresholdPercent;

        @Option(names = "--markdown", paramLabel = "FILE")
        Path markdown;

        @Option(names = "--csv", paramLabel = "FILE", description = "A line per case and node, with its deviation from the median.")
        Path csv;

        @Override
        public Integer call() throws IOException {
            if (!(thresholdPercent > 0 && thresholdPercent < 100)) {
                throw new IllegalArgumentException("--threshold takes a percentage in (0, 100), got " + thresholdPercent);
            }
            FleetCollection fleet = FleetCollection.of(root, thresholdPercent / 100);
            FleetFormats.print(fleet, spec.commandLine().getOut());
            if (markdown != null) {
                FleetFormats.writeMarkdown(fleet, markdown);
            }
            if (csv != null) {
                FleetFormats.writeCsv(fleet, csv);
            }
            return 0;
        }
    }
}
