package io.tokencost.results;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a run ran, as its scheduler tells it through the environment: Slurm's job, array task,
 * node and partition; a Kubernetes Job's pod, completion index and namespace. Kept in the run's
 * samples.json ({@code scheduler}), so that a fleet's runs name their task and node. Empty outside
 * a scheduler.
 */
public final class SchedulerIdentity {

    private static final Map<String, String> SLURM = Map.of("SLURM_JOB_ID", "job_id", "SLURM_ARRAY_JOB_ID", "array_job_id",
            "SLURM_ARRAY_TASK_ID", "array_task_id", "SLURMD_NODENAME", "node", "SLURM_JOB_NAME", "job_name", "SLURM_JOB_PARTITION", "partition");
    /** An Indexed Job's pod: {@code <job>-<index>-<suffix>}. */
    private static final Pattern INDEXED_POD = Pattern.compile("(.+)-(\\d+)-[a-z0-9]{5}");

    private SchedulerIdentity() {
    }

    /** From this process's environment, and (in a Kubernetes pod) its service account's namespace file. */
    public static Map<String, String> current() {
        return of(System.getenv(), path -> {
            try {
                return java.nio.file.Files.readString(java.nio.file.Path.of(path)).trim();
            } catch (java.io.IOException | RuntimeException e) {
                return "";
            }
        });
    }

    /** @param files reads a file's text, or "" where there is none */
    static Map<String, String> of(Map<String, String> env, UnaryOperator<String> files) {
        Map<String, String> out = new LinkedHashMap<>();
        if (env.containsKey("SLURM_JOB_ID")) {
            out.put("scheduler", "slurm");
            for (String key : new String[] {"SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURMD_NODENAME", "SLURM_JOB_NAME", "SLURM_JOB_PARTITION"}) {
                String v = env.get(key);
                if (v != null && !v.isBlank()) {
                    out.put(SLURM.get(key), v);
                }
            }
        } else if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
            out.put("scheduler", "kubernetes");
            String pod = env.getOrDefault("HOSTNAME", "");
            out.put("pod", pod);
            String index = env.get("JOB_COMPLETION_INDEX");
            Matcher m = INDEXED_POD.matcher(pod);
            if (index != null) {
                out.put("completion_index", index);
                if (m.matches() && m.group(2).equals(index)) {
                    out.put("job", m.group(1));
                }
            }
            String namespace = files.apply("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
            if (!namespace.isEmpty()) {
                out.put("namespace", namespace);
            }
            String node = env.get("TOKENCOST_NODE_NAME");
            if (node != null && !node.isBlank()) {
                out.put("node", node);
            }
        }
        return out;
    }
}
