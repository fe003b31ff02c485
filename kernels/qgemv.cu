// qgemv.cu: weight-only quantized matrix-vector (batch 1..64) products, the decode step's linear
// layers:  y[b][row] = sum_k x[b][k] * W[row][k],  x F16 [batch x k], y F32 [batch x n].
// Java twin and THE layout definition: io.tokencost.kernels.qgemv.QGemv (reference, packer); host
// code: io.tokencost.kernels.qgemv.CudaQGemv (launch shape, argument order).
//   qgemv_fp16     w F16 [n x k]
//   qgemv_int8     q I8  [n x k], scales F16 [n]:           W = q * s[row]
//   qgemv_int4g128 q U32 [n x k/8], scales F16 [n x k/128]: W = (u - 8) * s[row][k/128],
//                  nibble i of word j (bits 4i..4i+3) is k = 8j + i
// Bytes moved: weights + scales + x read once, y written (QGemv.workload); FLOPs 2*batch*n*k.
//
// Launch shape (CudaQGemv.config): blocks of 256 threads = 8 warps; a BLOCK owns R consecutive
// rows (R = 2 for batch <= 4, R = 1 above: tc_rows_per_block) and its 8 warps split the row's k
// range (warp w takes the 16-byte vectors c with c / 32 = w mod 8), so the grid is ceil(n / R)
// blocks. Why: batch 1 is a pure stream of the weights and latency-bound unless many loads are in
// flight; a warp per row gave an 4096-row matrix only 16 warps per SM (H200: fp16 2.85 TB/s,
// int4 1.3 TB/s), a block per row gives thousands of blocks and full occupancy. Every lane keeps
// U = 4 / R 16-byte loads per row in flight (evict-first: each weight byte is read once);
// consecutive lanes read consecutive 16 bytes (coalesced 512 B per warp-load). The warps' fp32
// partial sums meet in an xor-shuffle reduction and then in shared memory. Two rows per block
// convert each x value (fp16 -> fp32, read through the read-only cache with __ldg; small, L1/L2
// resident) once for both rows. Any grid is correct: blocks stride over row tiles, and rows past
// n are clamped for loading and never stored.
//
// Entry points on CUDA cores: qgemv_<format> runs batch 1, qgemv_<format>_b4 batch 2..4 (tiles
// 2, 4), qgemv_<format>_b16 batch 5..16 (tiles 8, 16): a kernel's register count is the maximum
// over its tiles, and the wider tiles need more registers, which would cut batch 1's occupancy.
// On tensor cores (the second half of this file): qgemv_<format>_mma16 (batch <= 16) and
// _mma64 (batch <= 64); CudaQGemv sends batch 5..64 there when k is a multiple of their step,
// and qgemv_zero clears y before a launch that splits k.
//
// Batch: one implementation per compile-time tile B in {1, 2, 4, 8, 16}; batch (1..16) picks
// the smallest tile >= batch at run time (a uniform branch) and the b >= batch lanes of the tile
// are skipped by uniform branches, so the weights are still read once.
//
// Dequantisation is a policy (template parameter S, if constexpr), one implementation for all:
//   fp16: half2 -> float2.
//   int8: __byte_perm puts byte q ^ 0x80 under the exponent of 2^23: float 2^23 + q + 128,
//         minus (2^23 + 128) = q exactly; the row scale multiplies the row's sum at the end.
//   int4: lop3 ((w >> 4i) & 0x000f000f) | 0x64006400 = half2 {1024 + u_i, 1024 + u_(i+4)}
//         (nibbles i and i+4), minus half2 1032 = (u - 8) exactly; paired with x[8j+i] and
//         x[8j+i+4]. A uint4 covers 32 k of one 128-group: its products sum into a partial that
//         the group scale multiplies once (fp32: (u-8)*x is exact, so the sum is fp32-accurate).
// All products and sums are fp32. Vector loads need k % 8 (fp16), k % 16 (int8) == 0 and 16-byte
// aligned x and w (rows start at w + row*k); otherwise a scalar path (any k >= 1). int4 needs
// k % 128 == 0 (QGemv.checkShape). Offsets are 64-bit (n*k up to 2^31 and beyond).
#include "tc_compat.h"

#define TC_QGEMV_THREADS 256
#define TC_QGEMV_WARPS (TC_QGEMV_THREADS / 32)
// Resident blocks per SM each entry point's register budget must allow (the highest that does not
// spill): batch 1 at ONE, batches 2..4 at SMALL, 5..16 at WIDE. Occupancy is what hides the
// weights' load latency at batch 1 (ncu on an H200: 3 blocks = 37.5 % occupancy left the issue
// slots 55 % busy and DRAM at 23-65 % of peak).
#define TC_QGEMV_MIN_BLOCKS_ONE 5
#define TC_QGEMV_MIN_BLOCKS_SMALL 3
#define TC_QGEMV_MIN_BLOCKS_WIDE 2

enum : int { TC_Q_FP16 = 0, TC_Q_INT8 = 1, TC_Q_INT4G128 = 2 };

// k values covered by one 16-byte vector of weights
template <int S>
TC_HOST_DEVICE constexpr int tc_q_per_vec()
{
    return S == TC_Q_FP16 ? 8 : (S == TC_Q_INT8 ? 16 : 32);
}

// Rows per block for a batch tile; CudaQGemv.rowsPerBlock must agree (it sizes the grid).
TC_HOST_DEVICE constexpr int tc_rows_per_block(int tile)
{
    return tile <= 4 ? 2 : 1;
}

TC_DEVICE __half2 tc_u32_as_half2(unsigned int u)
{
    __half2 h;
    memcpy(&h, &u, sizeof(h));
    return h;
}

// 8 consecutive fp16 activations (16-byte aligned) as floats.
TC_DEVICE void tc_load_x8(const __half* __restrict__ p, float (&xf)[8])
{
    const uint4 v = __ldg(reinterpret_cast<const uint4*>(p));
    const unsigned int w[4] = {v.x, v.y, v.z, v.w};
    TC_UNROLL
    for (int j = 0; j < 4; j++) {
        const float2 f = __half22float2(tc_u32_as_half2(w[j]));
        xf[2 * j] = f.x;
        xf[2 * j + 1] = f.y;
    }
}

// The 8 weights of 32-bit word `w` of a vector, in k order, as exact floats (int8: 4 weights
// per word, so two words fill wf; `part` selects which 8 of the vector). Unscaled for int8 and int4.
template <int S>
TC_DEVICE void tc_dequant8(const uint4& v, int part, float (&wf)[8])
{
    if constexpr (S == TC_Q_FP16) {
        const unsigned int w[4] = {v.x, v.y, v.z, v.w};
        // part 0: words 0..3 hold 8 halves
        TC_UNROLL
        for (int j = 0; j < 4; j++) {
            const float2 f = __half22float2(tc_u32_as_half2(w[j]));
            wf[2 * j] = f.x;
            wf[2 * j + 1] = f.y;
        }
        (void) part;
    } else if constexpr (S == TC_Q_INT8) {
        // part p: words 2p, 2p+1 hold 8 signed bytes
        TC_UNROLL
        for (int j = 0; j < 2; j++) {
            const unsigned int q = (part == 0 ? (j == 0 ? v.x : v.y) : (j == 0 ? v.z : v.w)) ^ 0x80808080u;
            TC_UNROLL
            for (int i = 0; i < 4; i++) {
                wf[4 * j + i] = __uint_as_float(__byte_perm(q, 0x4B000000u, 0x7440u + i)) - 8388736.0f;
            }
        }
    } else {
        // part p: word p holds 8 nibbles
        const unsigned int q = part == 0 ? v.x : part == 1 ? v.y : part == 2 ? v.z : v.w;   // selects, no local array
        const __half2 bias = tc_u32_as_half2(0x64086408u);   // half2 {1032, 1032}
        TC_UNROLL
        for (int i = 0; i < 4; i++) {
            const unsigned int h = tc_lop3<0xEA>(q >> (4 * i), 0x000f000fu, 0x64006400u);
            const float2 f = __half22float2(__hsub2(tc_u32_as_half2(h), bias));
            wf[i] = f.x;       // nibble i     -> k = 8j + i
            wf[i + 4] = f.y;   // nibble i + 4 -> k = 8j + i + 4
        }
    }
}

// One exact weight, for the scalar path (int4: the scale applied, exact in fp32).
template <int S>
TC_DEVICE float tc_weight_at(const void* __restrict__ w, const __half* __restrict__ scales, long long row,
                             long long kk, long long k)
{
    if constexpr (S == TC_Q_FP16) {
        return __half2float(static_cast<const __half*>(w)[row * k + kk]);
    } else if constexpr (S == TC_Q_INT8) {
        return static_cast<float>(static_cast<const signed char*>(w)[row * k + kk]);
    } else {
        const unsigned int word = static_cast<const unsigned int*>(w)[row * (k / 8) + kk / 8];
        const int u = static_cast<int>((word >> (4 * (kk % 8))) & 0xfu);
        return static_cast<float>(u - 8) * __half2float(scales[row * (k / 128) + kk / 128]);
    }
}

// One warp's share of rows [row0, row0 + R) (clamped to n - 1 for reading), batch tile B: the
// vectors c with (c / 32) % warps == warp (scalar path: k values likewise), summed into acc.
template <int S, int B, int R>
TC_DEVICE void tc_qgemv_rows(float (&acc)[R][B], const __half* __restrict__ x, const void* __restrict__ w,
                             const __half* __restrict__ scales, int n, int k, int batch, long long row0,
                             unsigned int lane, unsigned int warp, unsigned int warps, bool vec)
{
    constexpr int V = tc_q_per_vec<S>();
    constexpr int U = 4 / R;   // vectors per row in flight per lane
    // int4: a vector's 32 products sum unscaled; its group scale multiplies the sum once
    constexpr bool PARTIAL = S == TC_Q_INT4G128;
    const long long kl = k;
    long long rows[R];
    TC_UNROLL
    for (int r = 0; r < R; r++) {
        rows[r] = row0 + r < n ? row0 + r : static_cast<long long>(n) - 1;
    }
    const long long first = lane + 32LL * warp;
    const long long stride = 32LL * warps;   // between one warp's consecutive vectors

    if (vec) {
        const long long vecs = kl / V;   // 16-byte vectors per row
        const long long row_bytes = kl * (S == TC_Q_FP16 ? 2 : 1) / (S == TC_Q_INT4G128 ? 2 : 1);
        const uint4* wr[R];
        TC_UNROLL
        for (int r = 0; r < R; r++) {
            wr[r] = reinterpret_cast<const uint4*>(static_cast<const char*>(w) + rows[r] * row_bytes);
        }
        for (long long c0 = first; c0 < vecs; c0 += stride * U) {
            uint4 wv[U][R];
            TC_UNROLL
            for (int u = 0; u < U; u++) {
                const long long c = c0 + stride * u;
                TC_UNROLL
                for (int r = 0; r < R; r++) {
                    wv[u][r] = c < vecs ? __ldcs(wr[r] + c) : make_uint4(0u, 0u, 0u, 0u);
                }
            }
            TC_UNROLL
            for (int u = 0; u < U; u++) {
                const long long c = c0 + stride * u;
                if (c >= vecs) {
                    break;
                }
                constexpr int PARTS = V / 8;   // 8 k per part: fp16 1, int8 2, int4 4
                float part_sum[R][B];
                float gscale[R];   // int4: the vector's group scale (one 128-group per 4 vectors)
                if constexpr (S == TC_Q_INT4G128) {
                    TC_UNROLL
                    for (int r = 0; r < R; r++) {
                        gscale[r] = __half2float(__ldg(scales + rows[r] * (kl / 128) + c / 4));
                    }
                }
                if constexpr (PARTIAL) {
                    TC_UNROLL
                    for (int r = 0; r < R; r++) {
                        TC_UNROLL
                        for (int b = 0; b < B; b++) {
                            part_sum[r][b] = 0.0f;
                        }
                    }
                }
                // big tiles: one part at a time, or ptxas hoists all B x 4 x loads (and spills)
                constexpr int PART_UNROLL = B >= 8 ? 1 : PARTS;
                TC_UNROLL_N(PART_UNROLL)
                for (int p = 0; p < PARTS; p++) {
                    float wf[R][8];
                    TC_UNROLL
                    for (int r = 0; r < R; r++) {
                        tc_dequant8<S>(wv[u][r], p, wf[r]);
                    }
                    TC_UNROLL
                    for (int b = 0; b < B; b++) {
                        if (b < batch) {
                            float xf[8];
                            tc_load_x8(x + b * kl + c * V + 8 * p, xf);
                            TC_UNROLL
                            for (int r = 0; r < R; r++) {
                                TC_UNROLL
                                for (int e = 0; e < 8; e++) {
                                    if constexpr (PARTIAL) {
                                        part_sum[r][b] = fmaf(wf[r][e], xf[e], part_sum[r][b]);
                                    } else {
                                        acc[r][b] = fmaf(wf[r][e], xf[e], acc[r][b]);
                                    }
                                }
                            }
                        }
                    }
                }
                if constexpr (PARTIAL) {
                    TC_UNROLL
                    for (int r = 0; r < R; r++) {
                        TC_UNROLL
                        for (int b = 0; b < B; b++) {
                            acc[r][b] = fmaf(gscale[r], part_sum[r][b], acc[r][b]);
                        }
                    }
                }
            }
        }
    } else {
        for (long long kk = first; kk < kl; kk += stride) {
            TC_UNROLL
            for (int r = 0; r < R; r++) {
                const float wk = tc_weight_at<S>(w, scales, rows[r], kk, kl);
                TC_UNROLL
                for (int b = 0; b < B; b++) {
                    if (b < batch) {
                        acc[r][b] = fmaf(wk, __half2float(__ldg(x + b * kl + kk)), acc[r][b]);
                    }
                }
            }
        }
    }

}

template <int S, int B>
TC_DEVICE void tc_qgemv_tile(float* __restrict__ y, const __half* __restrict__ x, const void* __restrict__ w,
                             const __half* __restrict__ scales, int n, int k, int batch, long long block, long long blocks)
{
    constexpr int R = tc_rows_per_block(B);
    constexpr int V = tc_q_per_vec<S>();
    __shared__ float partials[TC_QGEMV_WARPS][R * B];
    const unsigned int lane = threadIdx.x & 31u;
    const unsigned int warp = threadIdx.x >> 5;
    const unsigned int warps = blockDim.x >> 5;
    // uniform: vectors when every row of x and w starts 16-byte aligned
    const bool aligned = ((reinterpret_cast<unsigned long long>(x) | reinterpret_cast<unsigned long long>(w)) & 15ull) == 0ull;
    const bool vec = aligned && (S == TC_Q_INT4G128 || k % (S == TC_Q_FP16 ? 8 : V) == 0);
    for (long long row0 = block * R; row0 < n; row0 += blocks * R) {
        float acc[R][B];
        TC_UNROLL
        for (int r = 0; r < R; r++) {
            TC_UNROLL
            for (int b = 0; b < B; b++) {
                acc[r][b] = 0.0f;
            }
        }
        tc_qgemv_rows<S, B, R>(acc, x, w, scales, n, k, batch, row0, lane, warp, warps, vec);
        // each warp's sums (every lane ends with every sum); lane r*B + b publishes (r, b)
        TC_UNROLL
        for (int r = 0; r < R; r++) {
            TC_UNROLL
            for (int b = 0; b < B; b++) {
                float v = acc[r][b];
                TC_UNROLL
                for (int offset = 16; offset > 0; offset >>= 1) {
                    v += __shfl_xor_sync(TC_FULL_MASK, v, offset);
                }
                if (lane == static_cast<unsigned int>(r * B + b)) {
                    partials[warp][r * B + b] = v;
                }
            }
        }
        __syncthreads();
        // the first warp adds the warps' sums: thread t < R*B owns (row0 + t / B, t % B)
        if (warp == 0u && lane < static_cast<unsigned int>(R * B)) {
            const int r = static_cast<int>(lane) / B;
            const int b = static_cast<int>(lane) % B;
            float v = 0.0f;
            for (unsigned int i = 0; i < warps; i++) {
                v += partials[i][lane];
            }
            const long long row = row0 + r;
            if (b < batch && row < n) {
                if constexpr (S == TC_Q_INT8) {
                    v *= __half2float(__ldg(scales + row));
                }
                y[static_cast<long long>(b) * n + row] = v;
            }
        }
        __syncthreads();   // partials are reused by the next row tile
    }
}

template <int S>
TC_DEVICE void tc_qgemv_small(float* __restrict__ y, const __half* __restrict__ x, const void* __restrict__ w,
                              const __half* __restrict__ scales, int n, int k, int batch, long long block, long long blocks)
{
    if (batch <= 2) {
        tc_qgemv_tile<S, 2>(y, x, w, scales, n, k, batch, block, blocks);
    } else {
        tc_qgemv_tile<S, 4>(y, x, w, scales, n, k, batch, block, blocks);
    }
}

template <int S>
TC_DEVICE void tc_qgemv_wide(float* __restrict__ y, const __half* __restrict__ x, const void* __restrict__ w,
                             const __half* __restrict__ scales, int n, int k, int batch, long long block, long long blocks)
{
    if (batch <= 8) {
        tc_qgemv_tile<S, 8>(y, x, w, scales, n, k, batch, block, blocks);
    } else {
        tc_qgemv_tile<S, 16>(y, x, w, scales, n, k, batch, block, blocks);
    }
}

template <int S>
TC_DEVICE void tc_qgemv_one(float* __restrict__ y, const __half* __restrict__ x, const void* __restrict__ w,
                            const __half* __restrict__ scales, int n, int k, int batch, long long block, long long blocks)
{
    tc_qgemv_tile<S, 1>(y, x, w, scales, n, k, batch, block, blocks);
}

// One entry point per format and batch range, so each gets the registers (and so the occupancy)
// of its own tiles: qgemv_<f> batch 1, qgemv_<f>_b4 batch 2..4, qgemv_<f>_b16 batch 5..16.
// fp16 takes no scales.
#define TC_QGEMV_FP16_ENTRY(NAME, DISPATCH, MIN_BLOCKS)                                                  \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_QGEMV_THREADS, MIN_BLOCKS)                        \
    NAME(float* __restrict__ y, const __half* __restrict__ x, const __half* __restrict__ w, int n, int k, \
         int batch)                                                                                       \
    {                                                                                                     \
        DISPATCH<TC_Q_FP16>(y, x, w, nullptr, n, k, batch, blockIdx.x, gridDim.x);                        \
    }
#define TC_QGEMV_SCALED_ENTRY(NAME, SCHEME, WTYPE, DISPATCH, MIN_BLOCKS)                                 \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_QGEMV_THREADS, MIN_BLOCKS)                        \
    NAME(float* __restrict__ y, const __half* __restrict__ x, const WTYPE* __restrict__ w,               \
         const __half* __restrict__ scales, int n, int k, int batch)                                      \
    {                                                                                                     \
        DISPATCH<SCHEME>(y, x, w, scales, n, k, batch, blockIdx.x, gridDim.x);                            \
    }

TC_QGEMV_FP16_ENTRY(qgemv_fp16, tc_qgemv_one, TC_QGEMV_MIN_BLOCKS_ONE)
TC_QGEMV_FP16_ENTRY(qgemv_fp16_b4, tc_qgemv_small, TC_QGEMV_MIN_BLOCKS_SMALL)
TC_QGEMV_FP16_ENTRY(qgemv_fp16_b16, tc_qgemv_wide, TC_QGEMV_MIN_BLOCKS_WIDE)
TC_QGEMV_SCALED_ENTRY(qgemv_int8, TC_Q_INT8, signed char, tc_qgemv_one, TC_QGEMV_MIN_BLOCKS_ONE)
TC_QGEMV_SCALED_ENTRY(qgemv_int8_b4, TC_Q_INT8, signed char, tc_qgemv_small, TC_QGEMV_MIN_BLOCKS_SMALL)
TC_QGEMV_SCALED_ENTRY(qgemv_int8_b16, TC_Q_INT8, signed char, tc_qgemv_wide, TC_QGEMV_MIN_BLOCKS_WIDE)
TC_QGEMV_SCALED_ENTRY(qgemv_int4g128, TC_Q_INT4G128, unsigned int, tc_qgemv_one, TC_QGEMV_MIN_BLOCKS_ONE)
TC_QGEMV_SCALED_ENTRY(qgemv_int4g128_b4, TC_Q_INT4G128, unsigned int, tc_qgemv_small, TC_QGEMV_MIN_BLOCKS_SMALL)
TC_QGEMV_SCALED_ENTRY(qgemv_int4g128_b16, TC_Q_INT4G128, unsigned int, tc_qgemv_wide, TC_QGEMV_MIN_BLOCKS_WIDE)

// ------------------------------------------------------------------ experts (a mixture-of-experts layer)
//
// The experts of a layer stored as one matrix, expert e's rows at e*n .. e*n + n - 1 (scales alike);
// x holds one row per slot (token, chosen expert), sorted by expert (transformer_ops.cu's moe_route
// and moe_gather): the i-th listed expert active_experts[i] owns rows active_start[i] ..
// active_start[i + 1] - 1, and y gets the same rows. The grid is `slots` x `per` blocks: block b
// serves listed expert b / per, row tile b % per, with the CUDA-core tiles above, its rows in chunks
// of C (1, 4 or 16: the entry point), so each expert's weights stream once per chunk; an expert
// with no rows returns at once. As fused MoE kernels do, nothing leaves the device: the host picks
// C from the step's tokens (an expert gets at most one row per token), not from the routing.
template <int S>
TC_DEVICE long long tc_weight_elements(int n, int k)
{
    return S == TC_Q_INT4G128 ? static_cast<long long>(n) * (k / 8) : static_cast<long long>(n) * k;
}

template <int S>
TC_DEVICE long long tc_scale_elements(int n, int k)
{
    return S == TC_Q_INT8 ? n : (S == TC_Q_INT4G128 ? static_cast<long long>(n) * (k / 128) : 0);
}

template <int S, int C, typename W>
TC_DEVICE void tc_qgemv_experts(float* __restrict__ y, const __half* __restrict__ x, const W* __restrict__ w,
                                const __half* __restrict__ scales, const unsigned int* __restrict__ active_experts,
                                const unsigned int* __restrict__ active_start, int slots, int n, int k)
{
    const long long per = gridDim.x / slots;
    const long long listed = blockIdx.x / per;
    const long long block = blockIdx.x % per;
    const unsigned int first = active_start[listed];
    const unsigned int rows = active_start[listed + 1] - first;
    const long long e = active_experts[listed];
    const W* we = w + e * tc_weight_elements<S>(n, k);
    const __half* se = S == TC_Q_FP16 ? nullptr : scales + e * tc_scale_elements<S>(n, k);
    for (unsigned int c = 0; c < rows; c += C) {
        const int batch = static_cast<int>(rows - c < static_cast<unsigned int>(C) ? rows - c : C);
        float* yc = y + static_cast<long long>(first + c) * n;
        const __half* xc = x + static_cast<long long>(first + c) * k;
        if constexpr (C == 1) {
            tc_qgemv_one<S>(yc, xc, we, se, n, k, batch, block, per);
        } else if constexpr (C == 4) {
            tc_qgemv_small<S>(yc, xc, we, se, n, k, batch, block, per);
        } else {
            tc_qgemv_wide<S>(yc, xc, we, se, n, k, batch, block, per);
        }
    }
}

#define TC_QGEMV_EXPERTS_ENTRY(NAME, SCHEME, WTYPE, C, MIN_BLOCKS)                                       \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_QGEMV_THREADS, MIN_BLOCKS)                        \
    NAME(float* __restrict__ y, const __half* __restrict__ x, const WTYPE* __restrict__ w,               \
         const __half* __restrict__ scales, const unsigned int* __restrict__ active_experts,              \
         const unsigned int* __restrict__ active_start, int slots, int n, int k)                          \
    {                                                                                                     \
        tc_qgemv_experts<SCHEME, C>(y, x, w, scales, active_experts, active_start, slots, n, k);          \
    }
// The chunk loop keeps the expert's pointers and row counters live across the tiles: at the
// plain kernels' register caps int4 spills (b4: 80 registers wanted under SMALL's 85, b16 over
// WIDE's 128), so the chunked experts kernels run one step lower (_b4 at 2 blocks per SM, _b16 at 1).
#define TC_QGEMV_MIN_BLOCKS_EXPERTS_SMALL 2
#define TC_QGEMV_MIN_BLOCKS_EXPERTS_WIDE 1
// fp16 takes a scales argument too (unread), so every format's experts kernel has one signature
TC_QGEMV_EXPERTS_ENTRY(qgemv_fp16_experts, TC_Q_FP16, __half, 1, TC_QGEMV_MIN_BLOCKS_ONE)
TC_QGEMV_EXPERTS_ENTRY(qgemv_fp16_experts_b4, TC_Q_FP16, __half, 4, TC_QGEMV_MIN_BLOCKS_EXPERTS_SMALL)
TC_QGEMV_EXPERTS_ENTRY(qgemv_fp16_experts_b16, TC_Q_FP16, __half, 16, TC_QGEMV_MIN_BLOCKS_EXPERTS_WIDE)
TC_QGEMV_EXPERTS_ENTRY(qgemv_int8_experts, TC_Q_INT8, signed char, 1, TC_QGEMV_MIN_BLOCKS_ONE)
TC_QGEMV_EXPERTS_ENTRY(qgemv_int8_experts_b4, TC_Q_INT8, signed char, 4, TC_QGEMV_MIN_BLOCKS_EXPERTS_SMALL)
TC_QGEMV_EXPERTS_ENTRY(qgemv_int8_experts_b16, TC_Q_INT8, signed char, 16, TC_QGEMV_MIN_BLOCKS_EXPERTS_WIDE)
TC_QGEMV_EXPERTS_ENTRY(qgemv_int4g128_experts, TC_Q_INT4G128, unsigned int, 1, TC_QGEMV_MIN_BLOCKS_ONE)
TC_QGEMV_EXPERTS_ENTRY(qgemv_int4g128_experts_b4, TC_Q_INT4G128, unsigned int, 4, TC_QGEMV_MIN_BLOCKS_EXPERTS_SMALL)
TC_QGEMV_EXPERTS_ENTRY(qgemv_int4g128_experts_b16, TC_Q_INT4G128, unsigned int, 16, TC_QGEMV_MIN_BLOCKS_EXPERTS_WIDE)

// ------------------------------------------------------------------ tensor cores (batch 1..64; used from 5)
//
// y^T = W x^T as mma.sync m16n8k16 tiles: A = 16 rows of W (dequantised to fp16 in registers),
// B = 8 batch rows of x, fp32 accumulators. A block of 8 warps owns 128 rows (one m16 tile per
// warp) and a slice of k; the grid is ceil(n / 128) row blocks x `splits` k slices, and the k
// slices' sums meet in y through atomicAdd (y zeroed first by qgemv_zero; a single slice stores).
// Why 128 rows: every row block reads all of x's k slice (L1 serves the block's 8 warps), so x's
// traffic from L2 is x_bytes x ceil(n / 128); the CUDA-core kernels' one or two rows per block
// read x from L2 once per row pair (at batch 16 and k = 14336: 1.9 GB per call for 4096 rows).
// The splits give the grid >= 2 blocks per SM when n / 128 alone would not.
//
// No shuffles, no shared memory: lane (g, t) = (lane / 4, lane % 4) loads 16 bytes of row g and
// 16 bytes of row g + 8 at the same k offset (t x 1/4 of the step), and 16 bytes per 8 k of x
// row g of the batch tile at the same k. A dot product may sum its k in any order, so the mma's
// k (0..15) need not be the matrix's k: A and B only have to agree. Lane t's fragment pairs
// {2t, 2t+1} and {2t+8, 2t+9} are given the k pairs the lane loaded, in A and in B alike:
//   fp16  step 32 k: the lane's 8 k = 4 half2 words P0..P3 (pairs 2i, 2i+1); 2 mma per step
//   int8  step 64 k: 16 k = 4 words of 4 bytes; __byte_perm puts bytes (0,1), (2,3) of each
//         word ^ 0x80 under 0x64: half2 1152 + q, minus 1152 = q exactly; 8 pairs, 4 mma; the
//         row scale multiplies the sums at the end
//   int4  step 128 k (one scale group): 32 k = 4 words; lop3 gives half2 (1024 + u_i,
//         1024 + u_(i+4)) per nibble pair, minus 1032 = u - 8 exactly; x's matching pairs
//         (x_i, x_(i+4)) come from two words by __byte_perm; 16 pairs, 8 mma into a zeroed
//         partial that the group scale multiplies into the sum (products exact, sums fp32)
// Needs k % step == 0 (QGemv.checkShape for batch > 16; CudaQGemv routes other k to the CUDA
// cores); rows past n are clamped for loading and never stored, batch rows past `batch` load 0.
#define TC_QMMA_WARPS 8
#define TC_QMMA_ROWS (16 * TC_QMMA_WARPS)
// n8 batch tiles per entry point: _mma16 (2 tiles, batch <= 16, 2 blocks/SM), _mma64 (8 tiles, up
// to 64: its 32 more accumulators need more than the 128 registers 2 blocks/SM allow)
#define TC_QMMA_TILES_16 2
#define TC_QMMA_TILES_64 8

// k per warp step: one 16-byte load per lane of rows g and g + 8, times 4 lanes
template <int S>
TC_HOST_DEVICE constexpr int tc_qmma_step()
{
    return S == TC_Q_FP16 ? 32 : (S == TC_Q_INT8 ? 64 : 128);
}

// steps whose weights are loaded ahead, together (bytes in flight per lane: 32 x U)
template <int S>
TC_HOST_DEVICE constexpr int tc_qmma_unroll()
{
    return S == TC_Q_INT4G128 ? 2 : 4;
}

// The A fragment words of a lane's 16 bytes of one row: fp16 pairs, in the order P_0.. above.
template <int S>
TC_DEVICE void tc_qmma_dequant(const uint4& v, unsigned int (&p)[2 * tc_qmma_step<S>() / 16])
{
    const unsigned int w[4] = {v.x, v.y, v.z, v.w};
    if constexpr (S == TC_Q_FP16) {
        TC_UNROLL
        for (int i = 0; i < 4; ++i) {
            p[i] = w[i];
        }
    } else if constexpr (S == TC_Q_INT8) {
        const __half2 bias = tc_u32_as_half2(0x64806480u);   // half2 {1152, 1152}
        TC_UNROLL
        for (int i = 0; i < 4; ++i) {
            const unsigned int q = w[i] ^ 0x80808080u;
            const __half2 lo = __hsub2(tc_u32_as_half2(__byte_perm(q, 0x64646464u, 0x4140u)), bias);
            const __half2 hi = __hsub2(tc_u32_as_half2(__byte_perm(q, 0x64646464u, 0x4342u)), bias);
            memcpy(&p[2 * i], &lo, 4);
            memcpy(&p[2 * i + 1], &hi, 4);
        }
    } else {
        const __half2 bias = tc_u32_as_half2(0x64086408u);   // half2 {1032, 1032}
        TC_UNROLL
        for (int j = 0; j < 4; ++j) {
            TC_UNROLL
            for (int i = 0; i < 4; ++i) {
                const __half2 h = __hsub2(tc_u32_as_half2(tc_lop3<0xEA>(w[j] >> (4 * i), 0x000f000fu, 0x64006400u)), bias);
                memcpy(&p[4 * j + i], &h, 4);
            }
        }
    }
}

// The B fragment words: x of one batch row at the lane's k, paired as the weights are.
template <int S>
TC_DEVICE void tc_qmma_x(const __half* __restrict__ xr, bool live, unsigned int (&p)[2 * tc_qmma_step<S>() / 16])
{
    constexpr int WORDS = tc_qmma_step<S>() / 8;   // the lane's k / 2
    unsigned int w[WORDS];
    TC_UNROLL
    for (int c = 0; c < WORDS / 4; ++c) {
        const uint4 v = live ? __ldg(reinterpret_cast<const uint4*>(xr) + c) : make_uint4(0u, 0u, 0u, 0u);
        w[4 * c] = v.x;
        w[4 * c + 1] = v.y;
        w[4 * c + 2] = v.z;
        w[4 * c + 3] = v.w;
    }
    if constexpr (S == TC_Q_INT4G128) {
        // word j of the weights holds k 8j..8j+7; its pair i is (8j+i, 8j+i+4)
        TC_UNROLL
        for (int j = 0; j < 4; ++j) {
            p[4 * j] = __byte_perm(w[4 * j], w[4 * j + 2], 0x5410u);
            p[4 * j + 1] = __byte_perm(w[4 * j], w[4 * j + 2], 0x7632u);
            p[4 * j + 2] = __byte_perm(w[4 * j + 1], w[4 * j + 3], 0x5410u);
            p[4 * j + 3] = __byte_perm(w[4 * j + 1], w[4 * j + 3], 0x7632u);
        }
    } else {
        TC_UNROLL
        for (int i = 0; i < WORDS; ++i) {
            p[i] = w[i];
        }
    }
}

// d += the step's MMAS tiles: A words of rows g, g + 8 and the matching x words.
template <int MMAS>
TC_DEVICE void tc_qmma_chain(float (&d)[4], const unsigned int (&a)[2][2 * MMAS], const unsigned int (&xb)[2 * MMAS])
{
    TC_UNROLL
    for (int j = 0; j < MMAS; ++j) {
        const unsigned int af[4] = {a[0][2 * j], a[1][2 * j], a[0][2 * j + 1], a[1][2 * j + 1]};
        const unsigned int bf[2] = {xb[2 * j], xb[2 * j + 1]};
        tc_mma_m16n8k16_f16f32(d, af, bf, d);
    }
}

template <int S, int TILES>
TC_DEVICE void tc_qgemv_mma(float* __restrict__ y, const __half* __restrict__ x, const void* __restrict__ w,
                            const __half* __restrict__ scales, int n, int k, int batch, int splits)
{
    constexpr int STEP = tc_qmma_step<S>();
    constexpr int PAIRS = 2 * STEP / 16;   // A words per row per step
    constexpr int MMAS = STEP / 16;
    constexpr int U = tc_qmma_unroll<S>();
    constexpr int ROW_BYTES_PER_K2 = S == TC_Q_FP16 ? 4 : (S == TC_Q_INT8 ? 2 : 1);   // bytes per 2 k
    const int lane = static_cast<int>(threadIdx.x & 31u);
    const int warp = static_cast<int>(threadIdx.x >> 5);
    const int g = lane >> 2;
    const int t = lane & 3;
    const int row_blocks = n / TC_QMMA_ROWS + (n % TC_QMMA_ROWS != 0 ? 1 : 0);
    const int row_block = static_cast<int>(blockIdx.x) % row_blocks;
    const int split = static_cast<int>(blockIdx.x) / row_blocks;
    const int steps = k / STEP;
    const int per_split = (steps + splits - 1) / splits;
    const int first = split * per_split;
    const int last = first + per_split < steps ? first + per_split : steps;
    const int tiles = (batch + 7) / 8;

    const long long row_g = static_cast<long long>(row_block) * TC_QMMA_ROWS + warp * 16 + g;
    const long long rows[2] = {row_g < n ? row_g : n - 1LL, row_g + 8 < n ? row_g + 8 : n - 1LL};
    const long long row_bytes = static_cast<long long>(k) / 2 * ROW_BYTES_PER_K2;
    const char* wrow[2] = {static_cast<const char*>(w) + rows[0] * row_bytes, static_cast<const char*>(w) + rows[1] * row_bytes};
    const int lane_k = t * (STEP / 4);   // the lane's k offset within a step

    float acc[TILES][4];
    TC_UNROLL
    for (int bt = 0; bt < TILES; ++bt) {
        TC_UNROLL
        for (int e = 0; e < 4; ++e) {
            acc[bt][e] = 0.0f;
        }
    }

    for (int s0 = first; s0 < last; s0 += U) {
        uint4 wv[U][2];
        TC_UNROLL
        for (int u = 0; u < U; ++u) {
            const long long kk = static_cast<long long>(s0 + u) * STEP + lane_k;
            TC_UNROLL
            for (int r = 0; r < 2; ++r) {
                wv[u][r] = s0 + u < last ? __ldcs(reinterpret_cast<const uint4*>(wrow[r] + kk / 2 * ROW_BYTES_PER_K2))
                                         : make_uint4(0u, 0u, 0u, 0u);
            }
        }
        TC_UNROLL
        for (int u = 0; u < U; ++u) {
            const int step = s0 + u;
            if (step >= last) {
                break;
            }
            unsigned int a[2][PAIRS];
            tc_qmma_dequant<S>(wv[u][0], a[0]);
            tc_qmma_dequant<S>(wv[u][1], a[1]);
            float gscale[2] = {1.0f, 1.0f};
            if constexpr (S == TC_Q_INT4G128) {
                TC_UNROLL
                for (int r = 0; r < 2; ++r) {
                    gscale[r] = __half2float(__ldg(scales + rows[r] * (k / 128) + step));
                }
            }
            const long long kk = static_cast<long long>(step) * STEP + lane_k;
            TC_UNROLL
            for (int bt = 0; bt < TILES; ++bt) {
                if (bt < tiles) {
                    const int b = bt * 8 + g;
                    unsigned int xb[PAIRS];
                    tc_qmma_x<S>(x + static_cast<long long>(b < batch ? b : 0) * k + kk, b < batch, xb);
                    if constexpr (S == TC_Q_INT4G128) {
                        float part[4] = {0.0f, 0.0f, 0.0f, 0.0f};
                        tc_qmma_chain<MMAS>(part, a, xb);
                        TC_UNROLL
                        for (int e = 0; e < 4; ++e) {
                            acc[bt][e] = fmaf(gscale[e >> 1], part[e], acc[bt][e]);
                        }
                    } else {
                        tc_qmma_chain<MMAS>(acc[bt], a, xb);
                    }
                }
            }
        }
    }

    // accumulator e of tile bt: row g + 8 (e >> 1), batch bt * 8 + 2t + (e & 1)
    float rscale[2] = {1.0f, 1.0f};
    if constexpr (S == TC_Q_INT8) {
        rscale[0] = __half2float(__ldg(scales + rows[0]));
        rscale[1] = __half2float(__ldg(scales + rows[1]));
    }
    TC_UNROLL
    for (int bt = 0; bt < TILES; ++bt) {
        TC_UNROLL
        for (int e = 0; e < 4; ++e) {
            const long long row = row_g + 8 * (e >> 1);
            const int b = bt * 8 + 2 * t + (e & 1);
            if (bt < tiles && b < batch && row < n) {
                const float v = acc[bt][e] * rscale[e >> 1];
                if (splits == 1) {
                    y[static_cast<long long>(b) * n + row] = v;
                } else {
                    atomicAdd(y + static_cast<long long>(b) * n + row, v);
                }
            }
        }
    }
}

// Grid: ceil(n / 128) * splits blocks of 256 threads (CudaQGemv.mmaConfig); with splits > 1,
// y must hold zeros (qgemv_zero) before the launch. fp16 takes no scales.
#define TC_QGEMV_MMA_FP16_ENTRY(NAME, TILES, MIN_BLOCKS)                                                 \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_QGEMV_THREADS, MIN_BLOCKS)                        \
    NAME(float* __restrict__ y, const __half* __restrict__ x, const __half* __restrict__ w, int n, int k, \
         int batch, int splits)                                                                           \
    {                                                                                                     \
        tc_qgemv_mma<TC_Q_FP16, TILES>(y, x, w, nullptr, n, k, batch, splits);                            \
    }
#define TC_QGEMV_MMA_ENTRY(NAME, SCHEME, WTYPE, TILES, MIN_BLOCKS)                                       \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_QGEMV_THREADS, MIN_BLOCKS)                        \
    NAME(float* __restrict__ y, const __half* __restrict__ x, const WTYPE* __restrict__ w,               \
         const __half* __restrict__ scales, int n, int k, int batch, int splits)                          \
    {                                                                                                     \
        tc_qgemv_mma<SCHEME, TILES>(y, x, w, scales, n, k, batch, splits);                                \
    }

TC_QGEMV_MMA_FP16_ENTRY(qgemv_fp16_mma16, TC_QMMA_TILES_16, 2)
TC_QGEMV_MMA_FP16_ENTRY(qgemv_fp16_mma64, TC_QMMA_TILES_64, 1)
TC_QGEMV_MMA_ENTRY(qgemv_int8_mma16, TC_Q_INT8, signed char, TC_QMMA_TILES_16, 2)
TC_QGEMV_MMA_ENTRY(qgemv_int8_mma64, TC_Q_INT8, signed char, TC_QMMA_TILES_64, 1)
TC_QGEMV_MMA_ENTRY(qgemv_int4g128_mma16, TC_Q_INT4G128, unsigned int, TC_QMMA_TILES_16, 2)
TC_QGEMV_MMA_ENTRY(qgemv_int4g128_mma64, TC_Q_INT4G128, unsigned int, TC_QMMA_TILES_64, 1)

// ------------------------------------------------------------------ dequantisation (prefill)
//
// out = W as fp16 [n x k]: each weight exactly as the layout defines it (q * s is exact in fp32:
// at most 8 + 11 significant bits), rounded once to fp16. A prefill past 64 tokens multiplies with
// the 16-bit GEMM (gemm.cu) on these, as engines do for weight-only formats on long prompts
// (AutoAWQ, vLLM's AWQ path past 256 tokens). Grid-stride over out, so writes coalesce.
template <int S>
TC_DEVICE void tc_dequantize(__half* __restrict__ out, const void* __restrict__ w, const __half* __restrict__ scales, int n, int k)
{
    const long long total = static_cast<long long>(n) * k;
    for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < total;
         e += static_cast<long long>(gridDim.x) * blockDim.x) {
        const long long row = e / k;
        float v = tc_weight_at<S>(w, scales, row, e % k, k);
        if constexpr (S == TC_Q_INT8) {
            v *= __half2float(scales[row]);
        }
        out[e] = __float2half_rn(v);
    }
}

extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_QGEMV_THREADS)
qgemv_dequantize_int8(__half* __restrict__ out, const signed char* __restrict__ w, const __half* __restrict__ scales, int n, int k)
{
    tc_dequantize<TC_Q_INT8>(out, w, scales, n, k);
}

extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_QGEMV_THREADS)
qgemv_dequantize_int4g128(__half* __restrict__ out, const unsigned int* __restrict__ w, const __half* __restrict__ scales, int n,
                          int k)
{
    tc_dequantize<TC_Q_INT4G128>(out, w, scales, n, k);
}

// y[0 .. count) = 0: before a split-k qgemv_*_mma launch. Grid-stride, any grid.
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_QGEMV_THREADS) qgemv_zero(float* __restrict__ y, long long count)
{
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
         i += static_cast<long long>(gridDim.x) * blockDim.x) {
        y[i] = 0.0f;
    }
}
