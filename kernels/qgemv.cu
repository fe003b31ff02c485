// qgemv.cu: weight-only quantized matrix-vector (batch 1..16) products, the decode step's linear
// layers:  y[b][row] = sum_k x[b][k] * W[row][k],  x F16 [batch x k], y F32 [batch x n].
// Java twin and THE layout definition: io.tokencost.kernels.QGemv (reference, packer); host
// code: io.tokencost.backend.cuda.CudaQGemv (launch shape, argument order).
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
// Entry points: qgemv_<format> runs batch 1, qgemv_<format>_b4 batch 2..4 (tiles 2, 4),
// qgemv_<format>_b16 batch 5..16 (tiles 8, 16): a kernel's register count is the maximum over its
// tiles, and the wider tiles need more registers, which would cut batch 1's occupancy.
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
                             const __half* __restrict__ scales, int n, int k, int batch)
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
    for (long long row0 = static_cast<long long>(blockIdx.x) * R; row0 < n; row0 += static_cast<long long>(gridDim.x) * R) {
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
                              const __half* __restrict__ scales, int n, int k, int batch)
{
    if (batch <= 2) {
        tc_qgemv_tile<S, 2>(y, x, w, scales, n, k, batch);
    } else {
        tc_qgemv_tile<S, 4>(y, x, w, scales, n, k, batch);
    }
}

template <int S>
TC_DEVICE void tc_qgemv_wide(float* __restrict__ y, const __half* __restrict__ x, const void* __restrict__ w,
                             const __half* __restrict__ scales, int n, int k, int batch)
{
    if (batch <= 8) {
        tc_qgemv_tile<S, 8>(y, x, w, scales, n, k, batch);
    } else {
        tc_qgemv_tile<S, 16>(y, x, w, scales, n, k, batch);
    }
}

template <int S>
TC_DEVICE void tc_qgemv_one(float* __restrict__ y, const __half* __restrict__ x, const void* __restrict__ w,
                            const __half* __restrict__ scales, int n, int k, int batch)
{
    tc_qgemv_tile<S, 1>(y, x, w, scales, n, k, batch);
}

// One entry point per format and batch range, so each gets the registers (and so the occupancy)
// of its own tiles: qgemv_<f> batch 1, qgemv_<f>_b4 batch 2..4, qgemv_<f>_b16 batch 5..16.
// fp16 takes no scales.
#define TC_QGEMV_FP16_ENTRY(NAME, DISPATCH, MIN_BLOCKS)                                                  \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_QGEMV_THREADS, MIN_BLOCKS)                        \
    NAME(float* __restrict__ y, const __half* __restrict__ x, const __half* __restrict__ w, int n, int k, \
         int batch)                                                                                       \
    {                                                                                                     \
        DISPATCH<TC_Q_FP16>(y, x, w, nullptr, n, k, batch);                                               \
    }
#define TC_QGEMV_SCALED_ENTRY(NAME, SCHEME, WTYPE, DISPATCH, MIN_BLOCKS)                                 \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_QGEMV_THREADS, MIN_BLOCKS)                        \
    NAME(float* __restrict__ y, const __half* __restrict__ x, const WTYPE* __restrict__ w,               \
         const __half* __restrict__ scales, int n, int k, int batch)                                      \
    {                                                                                                     \
        DISPATCH<SCHEME>(y, x, w, scales, n, k, batch);                                                   \
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
