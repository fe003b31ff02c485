package io.tokencost.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The manifest read back as YAML: an Indexed Job of one GPU per pod, each pod's run on the shared volume. */
class KubernetesJobTest {

    @Test
    void anIndexedJobOfOneGpuPerPod() throws Exception {
        String yaml = new KubernetesJob("h100-sweep", 6, "ghcr.io/me/tokencost:0.1.0", "results-rwx", "NVIDIA-H100-80GB-HBM3",
                List.of("--backend", "cuda", "--suite", "memory,qgemv")).render();
        JsonNode job = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        assertEquals("batch/v1", job.at("/apiVersion").asText());
        assertEquals("Job", job.at("/kind").asText());
        assertEquals("h100-sweep", job.at("/metadata/name").asText());
        assertEquals("Indexed", job.at("/spec/completionMode").asText());
        assertEquals(6, job.at("/spec/completions").asInt());
        assertEquals(6, job.at("/spec/parallelism").asInt());
        assertEquals(0, job.at("/spec/backoffLimit").asInt());
        JsonNode pod = job.at("/spec/template/spec");
        assertEquals("Never", pod.at("/restartPolicy").asText());
        assertEquals(120, pod.at("/terminationGracePeriodSeconds").asInt());
        assertEquals("NVIDIA-H100-80GB-HBM3", pod.at("/nodeSelector").get("nvidia.com/gpu.product").asText());
        assertEquals("nvidia.com/gpu", pod.at("/tolerations/0/key").asText());
        assertEquals("Exists", pod.at("/tolerations/0/operator").asText());
        JsonNode c = pod.at("/containers/0");
        assertEquals("ghcr.io/me/tokencost:0.1.0", c.at("/image").asText());
        assertEquals(1, c.at("/resources/limits").get("nvidia.com/gpu").asInt());
        assertEquals(List.of("run", "--out", "/results/h100-sweep-$(JOB_COMPLETION_INDEX)-$(TOKENCOST_NODE_NAME)", "--backend", "cuda", "--suite", "memory,qgemv"),
                new ObjectMapper().convertValue(c.at("/args"), List.class));
        assertEquals("spec.nodeName", c.at("/env/0/valueFrom/fieldRef/fieldPath").asText());
        assertEquals("compute,utility", c.at("/env/1/value").asText());
        assertEquals("/results", c.at("/volumeMounts/0/mountPath").asText());
        assertEquals("results-rwx", pod.at("/volumes/0/persistentVolumeClaim/claimName").asText());
        assertTrue(new KubernetesJob("tokencost", 1, "img", "pvc", "", List.of()).render().lines().noneMatch(l -> l.contains("nodeSelector")));
    }

    /** Read into the Kubernetes API's own model (fabric8's), failing on any key the API does not know: the fields as the server sees them. */
    @Test
    void theKubernetesModelReadsTheManifest() throws Exception {
        String yaml = new KubernetesJob("h100-sweep", 6, "ghcr.io/me/tokencost:0.1.0", "results-rwx", "NVIDIA-H100-80GB-HBM3",
                List.of("--backend", "cuda")).render();
        io.fabric8.kubernetes.api.model.batch.v1.Job job = new ObjectMapper(new YAMLFactory())
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(yaml, io.fabric8.kubernetes.api.model.batch.v1.Job.class);
        assertEquals("Indexed", job.getSpec().getCompletionMode());
        assertEquals(6, job.getSpec().getCompletions());
        assertEquals(6, job.getSpec().getParallelism());
        assertEquals(0, job.getSpec().getBackoffLimit());
        io.fabric8.kubernetes.api.model.PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(120L, pod.getTerminationGracePeriodSeconds());
        assertEquals("NVIDIA-H100-80GB-HBM3", pod.getNodeSelector().get("nvidia.com/gpu.product"));
        assertEquals("nvidia.com/gpu", pod.getTolerations().get(0).getKey());
        io.fabric8.kubernetes.api.model.Container c = pod.getContainers().get(0);
        assertEquals("1", c.getResources().getLimits().get("nvidia.com/gpu").toString());
        assertEquals("spec.nodeName", c.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath());
        assertEquals("results-rwx", pod.getVolumes().get(0).getPersistentVolumeClaim().getClaimName());
        assertEquals("/results", c.getVolumeMounts().get(0).getMountPath());
    }

    @Test
    void badInputIsSaidInOneLine() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new KubernetesJob("Sweep_1", 1, "img", "pvc", "", List.of()))
                .getMessage().startsWith("--name takes a DNS label"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new KubernetesJob("s", 1, "img", "", "", List.of()))
                .getMessage().startsWith("--pvc names a ReadWriteMany"));
    }
}
