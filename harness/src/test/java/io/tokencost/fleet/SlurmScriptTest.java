package io.tokencost.fleet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sbatch script: its directives, and the script itself run by bash as an array task would run it (a stub for tokencost). */
class SlurmScriptTest {

    @TempDir
    Path tmp;

    @Test
    void aJobArrayOfOneGpuPerTaskSignalledBeforeItsLimit() {
        String script = new SlurmScript(8, "/shared/results", "h100", "gpu", "", "02:00:00", true, "", "/opt/tokencost", List.of("--backend", "cuda")).render();
        List<String> directives = script.lines().filter(l -> l.startsWith("#SBATCH")).toList();
        assertEquals(List.of("#SBATCH --job-name=tokencost", "#SBATCH --array=0-7", "#SBATCH --ntasks=1", "#SBATCH --gres=gpu:h100:1",
                "#SBATCH --partition=gpu", "#SBATCH --time=02:00:00", "#SBATCH --exclusive", "#SBATCH --output=%x-%A_%a.out",
                "#SBATCH --signal=B:TERM@120"), directives);
        assertTrue(script.contains("exec /opt/tokencost/bin/tokencost run --out \"$out\" --backend cuda"), script);
        String pyxis = new SlurmScript(2, "/shared/results", "", "", "a100", "", false, "nvcr.io#me/tokencost:1", "", List.of()).render();
        assertTrue(pyxis.contains("#SBATCH --gres=gpu:1\n") && pyxis.contains("#SBATCH --constraint=a100") && pyxis.contains("#SBATCH --signal=TERM@120"), pyxis);
        assertTrue(pyxis.contains("srun --container-image='nvcr.io#me/tokencost:1' --container-mounts=/shared/results:/shared/results tokencost run"),
                pyxis);
    }

    /** bash runs the script as task 3 of array 4000 on node gpu-a17: the run gets its own folder under the root, and the arguments, quoted. */
    @Test
    void eachTaskRunsIntoAFolderOfItsOwn() throws Exception {
        Path bundle = Files.createDirectories(tmp.resolve("bundle/bin"));
        Path stub = bundle.resolve("tokencost");
        Files.writeString(stub, "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"" + tmp.resolve("args") + "\"\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = tmp.resolve("results root");
        String script = new SlurmScript(4, root.toString(), "", "", "", "", false, "", tmp.resolve("bundle").toString(),
                List.of("--suite", "memory,qgemv", "--model", "my model.json")).render();
        Path file = Files.writeString(tmp.resolve("job.sbatch"), script);
        assertEquals(0, new ProcessBuilder("bash", "-n", file.toString()).inheritIO().start().waitFor(), "bash reads it");
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).inheritIO();
        pb.environment().putAll(java.util.Map.of("SLURM_ARRAY_JOB_ID", "4000", "SLURM_ARRAY_TASK_ID", "3", "SLURMD_NODENAME", "gpu-a17"));
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals(List.of("run", "--out", root + "/tokencost-4000_3-gpu-a17", "--suite", "memory,qgemv", "--model", "my model.json"),
                Files.readAllLines(tmp.resolve("args")));
        assertTrue(Files.isDirectory(root));
    }

    @Test
    void badInputIsSaidInOneLine() {
        assertEquals("--tasks takes 1..10000, got 0", assertThrows(IllegalArgumentException.class,
                () -> new SlurmScript(0, "/r", "", "", "", "", false, "", "/b", List.of())).getMessage());
        assertEquals("--time takes HH:MM:SS (or D-HH:MM:SS), got '2h'", assertThrows(IllegalArgumentException.class,
                () -> new SlurmScript(1, "/r", "", "", "", "2h", false, "", "/b", List.of())).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SlurmScript(1, "/r", "", "", "", "", false, "img", "/b", List.of()))
                .getMessage().startsWith("name where tokencost comes from on the nodes"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SlurmScript(1, "/r", "", "", "", "", false, "", "/b", List.of("--out", "x")))
                .getMessage().startsWith("the script sets each task's --out itself"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SlurmScript(1, "/r", "h100;rm", "", "", "", false, "", "/b", List.of()))
                .getMessage().startsWith("--gpu takes a name"));
    }
}
