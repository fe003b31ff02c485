package io.tokencost.bench;

import io.tokencost.measure.Workload;

/** A bench for the recipe's own tests: counts its launches, each {@code launchMillis} long; no device work. */
public class CountingBench extends DeviceBench {

    int launches;
    long launchMillis;

    @Override
    protected Workload prepare() {
        return new Workload(1, 1, 1);
    }

    @Override
    protected void launch() {
        launches++;
        try {
            Thread.sleep(launchMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void release() {
    }
}
