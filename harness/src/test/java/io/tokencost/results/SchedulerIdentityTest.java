package io.tokencost.results;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a fleet's task records of where it ran, from the variables Slurm and Kubernetes set. */
class SchedulerIdentityTest {

    @Test
    void aSlurmArrayTaskNamesItsJobTaskAndNode() {
        Map<String, String> env = Map.of("SLURM_JOB_ID", "4012", "SLURM_ARRAY_JOB_ID", "4000", "SLURM_ARRAY_TASK_ID", "12", "SLURMD_NODENAME", "gpu-a17",
                "SLURM_JOB_NAME", "tokencost", "SLURM_JOB_PARTITION", "h100", "HOSTNAME", "gpu-a17");
        assertEquals(Map.of("scheduler", "slurm", "job_id", "4012", "array_job_id", "4000", "array_task_id", "12", "node", "gpu-a17",
                "job_name", "tokencost", "partition", "h100"), SchedulerIdentity.of(env, f -> ""));
    }

    @Test
    void aKubernetesIndexedJobsPodNamesItsJobIndexAndNamespace() {
        Map<String, String> env = Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "HOSTNAME", "tokencost-sweep-3-x7k2p", "JOB_COMPLETION_INDEX", "3",
                "TOKENCOST_NODE_NAME", "node-h100-7");
        assertEquals(Map.of("scheduler", "kubernetes", "pod", "tokencost-sweep-3-x7k2p", "completion_index", "3", "job", "tokencost-sweep",
                "namespace", "bench", "node", "node-h100-7"), SchedulerIdentity.of(env, f -> f.endsWith("/namespace") ? "bench" : ""));
    }

    @Test
    void outsideASchedulerThereIsNothingToSay() {
        assertEquals(Map.of(), SchedulerIdentity.of(Map.of("HOSTNAME", "laptop", "PATH", "/usr/bin"), f -> ""));
    }
}
