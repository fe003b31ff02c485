package io.tokencost.suite;

import io.tokencost.backend.DeviceProperties;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One measuring run per device at a time: two runs on one GPU, or two on one host's CPUs, would time
 * each other. A GPU is locked by its UUID (two tasks of a job array each see their own GPU as cuda:0);
 * the CPU and the emulation, which run on the host's cores, by the host. A second run waits, saying
 * so. JMH's own lock, one per host, would instead fail the second run outright, also where two
 * GPUs of one node are measured side by side; this lock replaces it ({@code jmh.ignoreLock}).
 */
public final class RunLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file's name for {@code device}: its GPU's UUID, else the host's. */
    static String name(DeviceProperties device) {
        String uuid = device.details().getOrDefault("gpu_uuid", "");
        return device.isGpu() ? "tokencost-" + (uuid.isEmpty() ? device.backend() + device.index() : uuid) + ".lock" : "tokencost-host.lock";
    }

    /** Takes the device's lock in {@code dir}, waiting (and saying so on {@code out}) while another run holds it. */
    public static RunLock acquire(DeviceProperties device, Path dir, PrintWriter out) {
        System.setProperty("jmh.ignoreLock", "true");
        Path file = dir.resolve(name(device));
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                out.println("another tokencost run measures " + (device.isGpu() ? "this GPU" : "on this host's cores") + " (" + file
                        + "): waiting for it to end");
                out.flush();
                lock = channel.lock();
            }
            return new RunLock(channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** Releases the lock (once: closing again does nothing). */
    @Override
    public void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
