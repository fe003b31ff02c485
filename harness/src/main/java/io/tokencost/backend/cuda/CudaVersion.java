package io.tokencost.backend.cuda;

import java.util.Map;

/**
 * A CUDA version as the driver reports the newest it supports ({@code cuDriverGetVersion}: 1000·major
 * + 10·minor) and as the kernel manifest states what an image needs, with the driver branch that
 * first shipped it, for messages a user can act on.
 */
record CudaVersion(int major, int minor) implements Comparable<CudaVersion> {

    /**
     * The Linux driver branch of each CUDA release (CUDA Toolkit release notes, "CUDA Toolkit and
     * Corresponding Driver Versions"; 12.7 is what R565 drivers report, no toolkit had it).
     */
    private static final Map<CudaVersion, Integer> BRANCH = Map.ofEntries(
            Map.entry(new CudaVersion(11, 0), 450), Map.entry(new CudaVersion(11, 1), 455), Map.entry(new CudaVersion(11, 2), 460),
            Map.entry(new CudaVersion(11, 3), 465), Map.entry(new CudaVersion(11, 4), 470), Map.entry(new CudaVersion(11, 5), 495),
            Map.entry(new CudaVersion(11, 6), 510), Map.entry(new CudaVersion(11, 7), 515), Map.entry(new CudaVersion(11, 8), 520),
            Map.entry(new CudaVersion(12, 0), 525), Map.entry(new CudaVersion(12, 1), 530), Map.entry(new CudaVersion(12, 2), 535),
            Map.entry(new CudaVersion(12, 3), 545), Map.entry(new CudaVersion(12, 4), 550), Map.entry(new CudaVersion(12, 5), 555),
            Map.entry(new CudaVersion(12, 6), 560), Map.entry(new CudaVersion(12, 7), 565), Map.entry(new CudaVersion(12, 8), 570),
            Map.entry(new CudaVersion(12, 9), 575), Map.entry(new CudaVersion(13, 0), 580));

    /** {@code cuDriverGetVersion}'s value: 12020 is CUDA 12.2. */
    static CudaVersion ofDriverApi(int version) {
        return new CudaVersion(version / 1000, version % 1000 / 10);
    }

    /** {@code 12.2}. */
    static CudaVersion parse(String text) {
        String[] parts = text.trim().split("\\.");
        try {
            return new CudaVersion(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CUDA version: '" + text + "'", e);
        }
    }

    boolean atLeast(CudaVersion other) {
        return compareTo(other) >= 0;
    }

    @Override
    public int compareTo(CudaVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }

    /** {@code R535 (CUDA 12.2)}, or {@code CUDA 13.1} where the branch is not known here. */
    String driver() {
        Integer branch = BRANCH.get(this);
        return branch == null ? "CUDA " + this : "R" + branch + " (CUDA " + this + ")";
    }

    /** {@code CUDA 12.0 or newer (R525+)}: what an image or the binding needs. */
    String orNewer() {
        Integer branch = BRANCH.get(this);
        return "CUDA " + this + " or newer" + (branch == null ? "" : " (R" + branch + "+)");
    }
}
