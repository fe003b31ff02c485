package io.tokencost.kernels.attentiondecode;

import io.tokencost.backend.Buffer;
import io.tokencost.backend.DataType;
import io.tokencost.backend.cuda.KernelLauncher;
import io.tokencost.backend.cuda.LaunchConfig;

/**
 * Host side of kernels/attention_decode.cu: checks the buffers, splits the context so the grid fills
 * the GPU (Flash-Decoding), and launches the split kernel and then the combine kernel, through a
 * {@link KernelLauncher} (the emulation backend runs it as is).
 *
 * <p>Launches: {@code attention_decode_<kv>_hd<D>_g<4|8>[_p16]} (_p16: a paged cache), batch x kv_heads x {@link #splits}
 * blocks of {@value #THREADS} threads, writing [batch x heads][splits][D + 2] partials to the
 * workspace; then {@code attention_decode_combine}, batch x heads blocks of D threads.
 */
public final class CudaAttentionDecode implements AttentionDecodeKernels {

    public static final String MODULE = "attention_decode";
    /** attention_decode.cu's TC_ATT_THREADS. */
    public static final int THREADS = 128;
    /** Context rows per tile (TC_ATT_TILE): slices are whole tiles. */
    public static final int TILE = 64;
    /** Blocks per SM the split aims at. */
    static final int BLOCKS_PER_SM = 4;
    /** Tiles a slice keeps at least, so the partials stay small next to the cache. */
    static final int MIN_TILES_PER_SPLIT = 4;

    private final KernelLauncher launcher;
    private final int multiprocessors;

    public CudaAttentionDecode(KernelLauncher launcher, int multiprocessors) {
        this.launcher = launcher;
        this.multiprocessors = Math.max(1, multiprocessors);
    }

    /**
     * Context slices: enough that batch x kv_heads x slices reaches {@value #BLOCKS_PER_SM} blocks per
     * SM, each slice at least {@value #MIN_TILES_PER_SPLIT} tiles, no slice empty (the kernel cuts
     * the context into slices of ceil(tiles / splits) tiles).
     */
    public static int splits(AttentionDecode.Shape s, int multiprocessors) {
        long base = (long) s.batch() * s.kvHeads();
        int tiles = (s.context() + TILE - 1) / TILE;
        long want = (BLOCKS_PER_SM * (long) multiprocessors + base - 1) / base;
        int splits = (int) Math.max(1, Math.min(want, Math.max(1, tiles / MIN_TILES_PER_SPLIT)));
        int perSplit = (tiles + splits - 1) / splits;
        return (tiles + perSplit - 1) / perSplit;
    }

    public static String function(AttentionDecode.KvFormat kv, AttentionDecode.Shape s, boolean paged) {
        return "attention_decode_" + kv.id() + "_hd" + s.headDim() + (s.group() <= 4 ? "_g4" : "_g8") + (paged ? "_p16" : "");
    }

    public static LaunchConfig config(AttentionDecode.Shape s, int splits) {
        long blocks = (long) s.batch() * s.kvHeads() * splits;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("attention launch of " + blocks + " blocks exceeds the grid");
        }
        return new LaunchConfig((int) blocks, THREADS, 0);
    }

    @Override
    public long workspaceElements(AttentionDecode.Shape s) {
        return (long) s.batch() * s.heads() * splits(s, multiprocessors) * (s.headDim() + 2);
    }

    @Override
    public void decode(AttentionDecode.KvFormat kv, Buffer o, Buffer q, Buffer k, Buffer v, Buffer kScales, Buffer vScales,
                       Buffer table, Buffer workspace, AttentionDecode.Shape s) {
        AttentionDecode.checkBuffers(kv, o, q, k, v, kScales, vScales, table, s);
        if (workspace == null || workspace.type() != DataType.F32 || workspace.elements() < workspaceElements(s)) {
            throw new IllegalArgumentException("attention needs an F32 workspace of " + workspaceElements(s) + " elements");
        }
        int splits = splits(s, multiprocessors);
        LaunchConfig config = config(s, splits);
        // one signature for every entry point: k stands in for the pointers a variant does not read
        boolean int8 = kv == AttentionDecode.KvFormat.INT8;
        launcher.launch(MODULE, function(kv, s, table != null), config, workspace, q, k, v, int8 ? kScales : k, int8 ? vScales : k,
                table != null ? table : k, AttentionDecode.pagesPerSequence(s), s.heads(), s.kvHeads(), s.context(), splits);
        launcher.launch(MODULE, "attention_decode_combine", new LaunchConfig(s.batch() * s.heads(), s.headDim(), 0), o, workspace,
                s.headDim(), splits);
    }
}
