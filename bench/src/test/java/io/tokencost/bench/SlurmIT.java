package io.tokencost.bench;

import io.tokencost.results.StoredRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real one-node Slurm cluster (Debian's slurm-wlm and munge, started here as root, two fake GPUs)
 * runs the sbatch array that {@code fleet slurm} renders, on the bundle: two tasks, each a CPU run
 * of the memory suite into its own folder under one results root; then {@code fleet collect} reads
 * that root. Every daemon is stopped by its PID. Skipped, with the reason, where Slurm is not
 * installed or the test is not root; CI installs it (.ci/run) and must run it.
 */
class SlurmIT {

    private static final List<Process> DAEMONS = new ArrayList<>();
    private static Path cluster;
    private static Map<String, String> env;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process daemon(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(cluster.resolve(Path.of(command[0]).getFileName() + ".out").toFile())
                .start();
        DAEMONS.add(p);
        return p;
    }

    private static String run(Path dir, long seconds, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile(cluster, "cmd", ".log");
        Process p = pb.redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), String.join(" ", command) + " did not end: " + Files.readString(log));
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }

    @BeforeAll
    static void startCluster() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/sbin/slurmctld")) && Files.isExecutable(Path.of("/usr/sbin/munged"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String why = !installed ? "Slurm is not installed here (apt-get install slurm-wlm munge)" : "the Slurm daemons start as root, and this is not";
        if (System.getenv("CI") != null) {
            assertTrue(installed && root, "CI must run the Slurm test: " + why);
        }
        Assumptions.assumeTrue(installed && root, why + ": Slurm test skipped");
        cluster = Files.createTempDirectory("tokencost-slurm");
        for (String d : List.of("state", "spool", "munge", "dev", "results")) {
            Files.createDirectories(cluster.resolve(d));
        }
        Path key = cluster.resolve("munge/munge.key");
        byte[] secret = new byte[128];
        new SecureRandom().nextBytes(secret);
        Files.write(key, secret);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Files.createFile(cluster.resolve("dev/fakegpu0"));
        Files.createFile(cluster.resolve("dev/fakegpu1"));
        long memoryMiB = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).findFirst().orElse(4096) - 1024;
        String c = cluster.toString();
        Files.writeString(cluster.resolve("slurm.conf"), String.join("\n",
                "ClusterName=tokencost", "SlurmctldHost=localhost", "SlurmUser=root", "SlurmdUser=root",
                "AuthType=auth/munge", "CredType=cred/munge", "AuthInfo=socket=" + c + "/munge/munge.socket",
                "SlurmctldPort=" + freePort(), "SlurmdPort=" + freePort(),
                "StateSaveLocation=" + c + "/state", "SlurmdSpoolDir=" + c + "/spool",
                "SlurmctldPidFile=" + c + "/slurmctld.pid", "SlurmdPidFile=" + c + "/slurmd.pid",
                "SlurmctldLogFile=" + c + "/slurmctld.log", "SlurmdLogFile=" + c + "/slurmd.log",
                "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core",
                "GresTypes=gpu", "MpiDefault=none", "ReturnToService=2", "JobCompType=jobcomp/none", "AccountingStorageType=accounting_storage/none",
                "NodeName=localhost CPUs=" + Runtime.getRuntime().availableProcessors() + " RealMemory=" + memoryMiB + " Gres=gpu:fake:2 State=UNKNOWN",
                "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP") + "\n");
        // fake GPUs: two files the gres plugin counts, nothing it opens
        Files.writeString(cluster.resolve("gres.conf"), "AutoDetect=off\nNodeName=localhost Name=gpu Type=fake File=" + c + "/dev/fakegpu[0-1]\n");
        env = Map.of("SLURM_CONF", c + "/slurm.conf");
        daemon("/usr/sbin/munged", "--foreground", "--force", "--key-file=" + key, "--socket=" + c + "/munge/munge.socket",
                "--pid-file=" + c + "/munge/munged.pid", "--log-file=" + c + "/munge/munged.log", "--seed-file=" + c + "/munge/seed");
        daemon("/usr/sbin/slurmctld", "-D", "-f", c + "/slurm.conf");
        daemon("/usr/sbin/slurmd", "-D", "-N", "localhost", "-f", c + "/slurm.conf");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String state = "";
        while (System.nanoTime() < deadline && !state.equals("idle")) {
            Thread.sleep(500);
            ProcessBuilder pb = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            state = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
        }
        assertEquals("idle", state, "the node did not come up: " + Files.readString(cluster.resolve("slurmd.out")));
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        for (Process p : DAEMONS) {
            p.destroy();
        }
        for (Process p : DAEMONS) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theRenderedArrayRunsEachTaskIntoItsFolderAndTheFleetIsCollected() throws Exception {
        Path home = BuiltBundle.unpack(Files.createDirectories(cluster.resolve("bundle")));
        Path launcher = home.resolve("bin/tokencost");
        Path results = cluster.resolve("results");
        Path script = cluster.resolve("job.sbatch");
        run(cluster, 60, launcher.toString(), "fleet", "slurm", "--tasks", "2", "--results-root", results.toString(), "--gpu", "fake",
                "--time", "00:20:00", "--bundle", home.toString(), "--out", script.toString(),
                "--", "--backend", "cpu", "--suite", "memory", "--working-set", "64KiB");
        String submitted = run(cluster, 900, "sbatch", "--wait", script.toString());
        String jobId = submitted.replaceAll("(?s).*Submitted batch job (\\d+).*", "$1");

        List<Path> runs;
        try (var dirs = Files.list(results)) {
            runs = dirs.sorted().toList();
        }
        assertEquals(List.of("tokencost-" + jobId + "_0-localhost", "tokencost-" + jobId + "_1-localhost"),
                runs.stream().map(p -> p.getFileName().toString()).toList(), "a folder per array task: " + submitted);
        for (int task = 0; task < 2; task++) {
            StoredRun r = StoredRun.read(runs.get(task));
            assertTrue(r.complete(), r.completeness().toString());
            Map<?, ?> scheduler = (Map<?, ?>) r.json().get("scheduler");
            assertEquals("slurm", scheduler.get("scheduler"));
            assertEquals(jobId, scheduler.get("array_job_id"));
            assertEquals(Integer.toString(task), scheduler.get("array_task_id"));
            assertEquals("localhost", scheduler.get("node"));
        }
        assertTrue(Files.isRegularFile(cluster.resolve("tokencost-" + jobId + "_1.out")), "Slurm's own log per task, %x-%A_%a.out");
        String collected = run(cluster, 120, launcher.toString(), "fleet", "collect", results.toString());
        assertTrue(collected.contains(": 2 nodes, median time per case") && collected.contains("memory/read"), collected);
    }
}
