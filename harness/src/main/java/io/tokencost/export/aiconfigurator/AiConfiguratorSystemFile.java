package io.tokencost.export.aiconfigurator;

import io.tokencost.estimate.Interconnect;
import io.tokencost.export.ExportFiles;
import io.tokencost.results.Column;
import io.tokencost.results.ResultRow;

import java.util.List;

/**
 * AIConfigurator's {@code <system>.yaml}: the keys its database and memory estimate read, each
 * commented with where it came from. Written as text, for the comments: measured figures say so;
 * the node's links come from the interconnect catalog and the memory constants from
 * AIConfigurator's own shipped systems, both marked ASSUMED.
 */
final class AiConfiguratorSystemFile {

    /** What AIConfigurator's shipped H100/H800 systems reserve besides weights, KV cache and NCCL (bytes): not measured by tokencost. */
    static final long SHIPPED_OTHER_MEM = 3_758_096_384L;

    private AiConfiguratorSystemFile() {
    }

    static String text(String system, List<ResultRow> rows, double readBytesPerS, double bestGemmFlops) {
        ResultRow first = rows.get(0);
        String device = ExportFiles.deviceName(rows);
        Interconnect link = Interconnect.lookupOrDefault(device);
        boolean catalogued = Interconnect.lookup(device).isPresent();
        String cc = first.get(Column.COMPUTE_CAPABILITY);
        StringBuilder y = new StringBuilder();
        y.append("# ").append(system).append(": ").append(device).append(", measured by tokencost ").append(first.get(Column.HARNESS_VERSION))
                .append(" (runs ").append(ExportFiles.runIds(rows)).append("); written for AIConfigurator 0.9.0\n");
        y.append("data_dir: data/").append(system).append(" # relative to this folder\n");
        y.append("gpu:\n");
        y.append("  mem_bw: ").append(Math.round(readBytesPerS)).append(" # measured: memory/read, cold (bytes/s)\n");
        y.append("  mem_bw_empirical_scaling_factor: 1.0 # mem_bw is the measured rate, not a datasheet's: nothing to scale\n");
        y.append("  mem_empirical_constant_latency: 0.0 # not measured\n");
        y.append("  mem_capacity: ").append(Math.round(first.number(Column.MEMORY_BYTES))).append(" # the device's memory (bytes)\n");
        y.append("  bfloat16_tc_flops: ").append(Math.round(bestGemmFlops)).append(" # measured: the best 16-bit gemm row (FLOP/s)\n");
        if (cc != null && cc.matches("\\d+\\.\\d+")) {
            String[] parts = cc.split("\\.");
            y.append("  sm_version: ").append(Integer.parseInt(parts[0]) * 10 + Integer.parseInt(parts[1])).append(" # compute capability ").append(cc)
                    .append('\n');
        }
        y.append("node: # ASSUMED, not measured: ").append(link.source()).append('\n');
        y.append("  num_gpus_per_node: ").append(catalogued ? 8 : 1).append(catalogued ? " # the vendor's reference system\n" : " # one device measured\n");
        y.append("  inter_node_bw: ").append(Math.round(link.interNodeBytesPerSPerDirection())).append(" # bytes/s per GPU, one direction\n");
        y.append("  intra_node_bw: ").append(Math.round(link.bytesPerSPerDirection())).append(" # bytes/s per GPU, one direction: ").append(link.link())
                .append('\n');
        y.append("  p2p_latency: ").append(ExportFiles.number(link.latencyS())).append(" # seconds\n");
        y.append("misc:\n");
        y.append("  nccl_version: 'none' # no NCCL tables measured: tensor parallel queries have no data here\n");
        y.append("  nccl_mem: # bytes NCCL holds per tensor-parallel size: none at 1\n");
        y.append("    1: 0\n");
        y.append("  other_mem: ").append(SHIPPED_OTHER_MEM).append(" # ASSUMED: the value AIConfigurator's own H100/H800 systems carry, not measured\n");
        return y.toString();
    }
}
