package io.tokencost.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A Kubernetes Indexed Job that runs the same {@code tokencost run} in {@code tasks} pods, one GPU
 * each: the user applies it ({@code kubectl apply -f}); tokencost schedules nothing. Each pod writes
 * its run folder onto a ReadWriteMany volume, named from its completion index and node; the
 * {@code nvidia.com/gpu} taint is tolerated, and a node selector on {@code nvidia.com/gpu.product}
 * (GPU feature discovery's label, whose values differ between clusters) picks the GPU model. The
 * image's entrypoint is tokencost; the driver's libcuda comes from the NVIDIA container toolkit.
 */
public record KubernetesJob(String name, int tasks, String image, String claim, String gpuProduct, List<String> runArgs) {

    /** Seconds a pod has between SIGTERM (eviction, deletion) and SIGKILL: the run writes its finished cases. */
    static final int GRACE_SECONDS = 120;
    /** Where the pods mount the results volume. */
    static final String RESULTS = "/results";
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?");

    public KubernetesJob {
        if (!DNS_LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("--name takes a DNS label (lower-case letters, digits, '-'; at most 52), got '" + name + "'");
        }
        if (tasks < 1 || tasks > 10_000) {
            throw new IllegalArgumentException("--tasks takes 1..10000, got " + tasks);
        }
        if (image.isBlank()) {
            throw new IllegalArgumentException("--image names the container image whose entrypoint is tokencost");
        }
        if (claim.isBlank()) {
            throw new IllegalArgumentException("--pvc names a ReadWriteMany PersistentVolumeClaim every pod writes its run onto");
        }
        runArgs = List.copyOf(runArgs);
        if (runArgs.contains("--out") || runArgs.contains("--resume")) {
            throw new IllegalArgumentException("the manifest sets each pod's --out itself: leave --out out of the run's arguments");
        }
    }

    public String render() {
        List<String> args = new ArrayList<>(List.of("run", "--out", RESULTS + "/" + name + "-$(JOB_COMPLETION_INDEX)-$(TOKENCOST_NODE_NAME)"));
        args.addAll(runArgs);
        Map<String, Object> container = map(
                "name", "tokencost",
                "image", image,
                "args", args,
                "env", List.of(
                        map("name", "TOKENCOST_NODE_NAME", "valueFrom", map("fieldRef", map("fieldPath", "spec.nodeName"))),
                        map("name", "NVIDIA_DRIVER_CAPABILITIES", "value", "compute,utility")),
                "resources", map("limits", map("nvidia.com/gpu", "1")),
                "volumeMounts", List.of(map("name", "results", "mountPath", RESULTS)));
        Map<String, Object> pod = map(
                "restartPolicy", "Never",
                "terminationGracePeriodSeconds", GRACE_SECONDS,
                "tolerations", List.of(map("key", "nvidia.com/gpu", "operator", "Exists", "effect", "NoSchedule")),
                "containers", List.of(container),
                "volumes", List.of(map("name", "results", "persistentVolumeClaim", map("claimName", claim))));
        if (!gpuProduct.isEmpty()) {
            pod.put("nodeSelector", map("nvidia.com/gpu.product", gpuProduct));
        }
        Map<String, Object> job = map(
                "apiVersion", "batch/v1",
                "kind", "Job",
                "metadata", map("name", name, "labels", map("app.kubernetes.io/name", "tokencost")),
                "spec", map(
                        "completionMode", "Indexed",
                        "completions", tasks,
                        "parallelism", tasks,
                        "backoffLimit", 0,
                        "template", map("metadata", map("labels", map("app.kubernetes.io/name", "tokencost")), "spec", pod)));
        try {
            return new ObjectMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES).enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build())
                    .writeValueAsString(job);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the manifest: " + e.getOriginalMessage(), e);
        }
    }

    /** An ordered map from key, value pairs: the manifest's keys in the order Kubernetes' docs write them. */
    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
