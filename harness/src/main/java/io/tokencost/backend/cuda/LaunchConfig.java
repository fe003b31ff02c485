package io.tokencost.backend.cuda;

/**
 * A 1-D launch: {@code gridX} blocks of {@code blockX} threads with {@code sharedBytes} of dynamic
 * shared memory. Pure arithmetic, no driver calls: the emulation backend reuses it.
 */
public record LaunchConfig(int gridX, int blockX, int sharedBytes) {

    public LaunchConfig {
        if (gridX < 1 || blockX < 1 || blockX > 1024 || sharedBytes < 0) {
            throw new IllegalArgumentException("bad launch config: grid " + gridX + ", block " + blockX + ", shared " + sharedBytes);
        }
    }

    /**
     * A grid-stride launch over {@code items} work items (one per thread per pass): enough blocks
     * to give each thread one item, but no more than {@code maxBlocks} (the blocks the device keeps
     * resident at once); at least one block.
     */
    public static LaunchConfig gridStride(long items, int blockX, int maxBlocks) {
        if (items < 0 || maxBlocks < 1) {
            throw new IllegalArgumentException("items " + items + ", max blocks " + maxBlocks);
        }
        long blocks = (items + blockX - 1) / blockX;
        return new LaunchConfig((int) Math.max(1, Math.min(blocks, maxBlocks)), blockX, 0);
    }
}
