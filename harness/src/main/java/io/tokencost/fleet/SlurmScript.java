package io.tokencost.fleet;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An sbatch script that runs the same {@code tokencost run} on every task of a job array, one GPU
 * each: the user submits it ({@code sbatch}); tokencost schedules nothing. Each task writes its own
 * run folder under the results root, named from the array's job id, its task id and its node (not
 * SLURM_JOB_ID: each array task has its own). Slurm sends SIGTERM two minutes before the time limit,
 * so the run stops after its finished cases and can be resumed; with an image, the task runs in it
 * through pyxis ({@code srun --container-image}), else on the bundle, which needs no Java on the node.
 *
 * @param gpuType    the gres type ({@code h100}), or empty for any GPU
 * @param time       the time limit, {@code HH:MM:SS}, or empty for the partition's
 * @param image      a container image (pyxis), or empty
 * @param bundle     the unpacked bundle's folder on the nodes, when there is no image
 * @param runArgs    what follows {@code tokencost run} (besides --out, which the script sets)
 */
public record SlurmScript(int tasks, String resultsRoot, String gpuType, String partition, String constraint, String time, boolean exclusive,
                          String image, String bundle, List<String> runArgs) {

    /** Seconds before the time limit that Slurm signals the run: a stop takes a second; the margin covers a slow file system. */
    static final int SIGNAL_SECONDS_BEFORE_LIMIT = 120;
    private static final Pattern TIME = Pattern.compile("(\\d+-)?\\d{1,2}:\\d{2}:\\d{2}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]+");

    public SlurmScript {
        if (tasks < 1 || tasks > 10_000) {
            throw new IllegalArgumentException("--tasks takes 1..10000, got " + tasks);
        }
        if (resultsRoot.isBlank()) {
            throw new IllegalArgumentException("--results-root names the shared folder every task writes its run into");
        }
        if (!time.isEmpty() && !TIME.matcher(time).matches()) {
            throw new IllegalArgumentException("--time takes HH:MM:SS (or D-HH:MM:SS), got '" + time + "'");
        }
        for (String[] named : new String[][] {{"--gpu", gpuType}, {"--partition", partition}, {"--constraint", constraint}}) {
            if (!named[1].isEmpty() && !NAME.matcher(named[1]).matches()) {
                throw new IllegalArgumentException(named[0] + " takes a name of letters, digits and _.:-, got '" + named[1] + "'");
            }
        }
        if (image.isEmpty() == bundle.isEmpty()) {
            throw new IllegalArgumentException("name where tokencost comes from on the nodes: --image IMG (pyxis) or --bundle PATH (unpacked), one of them");
        }
        runArgs = List.copyOf(runArgs);
        if (runArgs.contains("--out") || runArgs.contains("--resume")) {
            throw new IllegalArgumentException("the script sets each task's --out itself: leave --out out of the run's arguments");
        }
    }

    public String render() {
        List<String> lines = new ArrayList<>();
        lines.add("#!/bin/bash");
        lines.add("# tokencost on " + tasks + " GPU" + (tasks == 1 ? "" : "s") + ": one array task per GPU, each its own run folder under "
                + resultsRoot + ". Submit with: sbatch <this file>");
        lines.add("#SBATCH --job-name=tokencost");
        lines.add("#SBATCH --array=0-" + (tasks - 1));
        lines.add("#SBATCH --ntasks=1");
        lines.add("#SBATCH --gres=gpu" + (gpuType.isEmpty() ? "" : ":" + gpuType) + ":1");
        if (!partition.isEmpty()) {
            lines.add("#SBATCH --partition=" + partition);
        }
        if (!constraint.isEmpty()) {
            lines.add("#SBATCH --constraint=" + constraint);
        }
        if (!time.isEmpty()) {
            lines.add("#SBATCH --time=" + time);
        }
        if (exclusive) {
            lines.add("#SBATCH --exclusive");
        }
        lines.add("#SBATCH --output=%x-%A_%a.out");
        // the bundle runs as the batch shell itself (exec): the signal goes to it; srun's steps get it without B:
        lines.add(String.format(Locale.ROOT, "#SBATCH --signal=%sTERM@%d", image.isEmpty() ? "B:" : "", SIGNAL_SECONDS_BEFORE_LIMIT));
        lines.add("set -euo pipefail");
        lines.add("node=${SLURMD_NODENAME:-$(hostname)}");
        lines.add("out=" + quote(resultsRoot) + "/\"tokencost-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}-${node}\"");
        lines.add("mkdir -p " + quote(resultsRoot));
        List<String> run = new ArrayList<>(List.of("run", "--out", "\"$out\""));
        runArgs.forEach(a -> run.add(quote(a)));
        if (image.isEmpty()) {
            lines.add("exec " + quote(bundle + "/bin/tokencost") + " " + String.join(" ", run));
        } else {
            lines.add("srun --container-image=" + quote(image) + " --container-mounts=" + quote(resultsRoot + ":" + resultsRoot)
                    + " tokencost " + String.join(" ", run));
        }
        return String.join("\n", lines) + "\n";
    }

    /** A word for bash: as it is when it is plain, else in single quotes. */
    static String quote(String word) {
        return word.matches("[A-Za-z0-9_./:=,@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
