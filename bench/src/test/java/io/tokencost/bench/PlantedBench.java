package io.tokencost.bench;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.cuda.LaunchConfig;
import io.tokencost.kernels.RandomData;
import io.tokencost.measure.Workload;
import org.openjdk.jmh.annotations.Param;

/**
 * The run's faults, planted (test-only): on the emulation, {@code spin} launches a kernel that never
 * returns, {@code oob} one that writes past its buffer, {@code ok} one that works; {@code exit}
 * ends the fork's JVM in its setup, as a crash would.
 */
public class PlantedBench extends DeviceBench {

    @Param({"ok", "spin", "oob", "exit"})
    public String fault;

    private Buffer out;
    private Buffer in;

    @Override
    protected Workload prepare() {
        if (fault.equals("exit")) {
            Runtime.getRuntime().halt(3);
        }
        out = session.allocateFloats(1024);
        in = session.allocateFloats(1024);
        in.upload(RandomData.uniformParallel(1024, 7));
        return new Workload(1024 * Float.BYTES, 1024 * Float.BYTES, 0);
    }

    @Override
    protected void launch() {
        var launcher = session.kernelLauncher().orElseThrow();
        switch (fault) {
            case "spin" -> launcher.launch("planted_oob", "spin_forever", new LaunchConfig(1, 32, 0), out);
            case "oob" -> launcher.launch("planted_oob", "oob_write", new LaunchConfig(4, 256, 0), out, 1024L, 100L);
            default -> launcher.launch("planted_oob", "block_reverse", new LaunchConfig(4, 256, 0), out, in);
        }
    }

    @Override
    protected void release() {
        out.close();
        in.close();
    }
}
