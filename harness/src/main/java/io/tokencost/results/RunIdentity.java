package io.tokencost.results;

import io.tokencost.backend.DeviceProperties;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The identity cells every row of a run carries: who measured what, where, with which build. */
public record RunIdentity(String runId, Instant timestamp, String harnessVersion, String gitSha, String host,
                          DeviceProperties device, String jvm) {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public static RunIdentity create(DeviceProperties device) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String host = hostName();
        String runId = STAMP.format(now) + "-" + host + "-" + device.backend() + device.index();
        String jvm = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        return new RunIdentity(runId, now, currentHarnessVersion(), currentGitSha(), host, device, jvm);
    }

    /**
     * The identity of a run taken up again ({@code run --resume}): its id and start time, with this
     * process's build and the device it measures on (which must be the run's own).
     */
    public static RunIdentity continuing(Map<String, String> stored, DeviceProperties device) {
        RunIdentity now = create(device);
        return new RunIdentity(stored.get("run_id"), Instant.parse(stored.get("timestamp_utc")), now.harnessVersion, now.gitSha, now.host, device, now.jvm);
    }

    /** The folder name of a run: {@code <stamp>-<host>-<device>-<backend><index>}, filesystem-safe: two devices of one host started together differ. */
    public String directoryName() {
        return safe(STAMP.format(timestamp) + "-" + host + "-" + device.name() + "-" + device.backend() + device.index());
    }

    public ResultRow cells() {
        DeviceProperties d = device;
        return new ResultRow()
                .set(Column.SCHEMA_VERSION, Column.SCHEMA_VERSION_CURRENT)
                .set(Column.RUN_ID, runId)
                .set(Column.TIMESTAMP_UTC, DateTimeFormatter.ISO_INSTANT.format(timestamp))
                .set(Column.HARNESS_VERSION, harnessVersion)
                .set(Column.GIT_SHA, gitSha)
                .set(Column.HOST, host)
                .set(Column.BACKEND, d.backend())
                .set(Column.DEVICE_NAME, d.name())
                .set(Column.DEVICE_INDEX, d.index())
                .set(Column.DRIVER_VERSION, d.driverVersion())
                .set(Column.CUDA_VERSION, d.cudaVersion())
                .set(Column.COMPUTE_CAPABILITY, d.computeCapability())
                .set(Column.KERNEL_IMAGE, d.details().getOrDefault(DeviceProperties.KERNEL_IMAGE, ""))
                .set(Column.SM_COUNT, d.isHost() ? "" : Integer.toString(d.computeUnits()))
                .set(Column.CPU_THREADS, d.isHost() ? Integer.toString(d.computeUnits()) : "")
                .set(Column.MEMORY_BYTES, d.memoryBytes())
                .set(Column.PEAK_BW_BYTES_PER_S, d.peakBandwidthBytesPerS() > 0 ? Long.toString(d.peakBandwidthBytesPerS()) : "")
                .set(Column.JVM, jvm);
    }

    public static String currentHarnessVersion() {
        try (InputStream in = RunIdentity.class.getResourceAsStream("/io/tokencost/build.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** TOKENCOST_GIT_SHA if set (the launcher and device checks set it), else git in the working directory. */
    static String currentGitSha() {
        String env = System.getenv("TOKENCOST_GIT_SHA");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        String sha = git("rev-parse", "--short=12", "HEAD");
        if (sha.isEmpty()) {
            return "unknown";
        }
        return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? sha : sha + "-dirty";
    }

    private static String git(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "";
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static String hostName() {
        try {
            return safe(InetAddress.getLocalHost().getHostName());
        } catch (IOException e) {
            return "host";
        }
    }

    static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]+", "_");
    }
}
