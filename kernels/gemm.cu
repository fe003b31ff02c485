// gemm.cu: dense matrix products, the prefill step's linear layers:
//   C[m][n] = sum_k A[m][k] * B[n][k]      A [M x K] activations, B [N x K] weights (nn.Linear's
//                                          layout: both K-contiguous, "TN"), C [M x N]; row-major
// Java twin and the definition of the layouts: io.tokencost.kernels.gemm.Gemm (reference, workload);
// host code: io.tokencost.kernels.gemm.CudaGemm (launch shape, argument order).
//   gemm_fp16  A, B, C fp16; fp32 accumulation on tensor cores (mma.sync m16n8k16), C rounded once
//   gemm_bf16  the same with bf16
//   gemm_fp32  A, B, C fp32 on the CUDA cores (SIMT FMA), the baseline without tensor cores
// Bytes moved: A, B read once and C written (Gemm.workload: the ideal, what a roofline charges);
// FLOPs 2*M*N*K.
//
// Tensor-core kernel. A block computes a 128x128 tile of C (tiles numbered in groups of 8 tile
// rows, so the blocks running together share B's columns in L2); its 8 warps (2 along M x 4
// along N) own 64x32 each: 4x4 mma tiles of 16x8, 64 fp32 accumulators per thread. K advances
// 32 at a time through a 4-stage ring in dynamic shared memory (4 x (128 + 128) x 32 x 2 B =
// 64 KiB): cp.async fills stage s + 3 while the warps multiply stage s, so loads overlap math.
// A stage holds rows of 32 elements = four 16-byte chunks; chunk c of row r sits at chunk
// c ^ ((r >> 1) & 3), so the 8 rows an ldmatrix phase reads fall in 8 different bank groups
// (unswizzled, rows 64 B apart would collide 4-way). ldmatrix.x4 yields the A fragment of a 16x16
// tile, or the B fragments of two 16x8 tiles, in one instruction.
// Edges: rows past M or N load as zeros (cp.async zero-fill) and are never stored; K needs no
// multiple of 32: the last stage is zero-filled past K. 16-byte chunks need K % 8 == 0 and
// 16-byte aligned A and B; otherwise (odd K) a scalar loader fills the stages, correct and slower.
// mma.sync is Ampere's instruction: on Hopper it reaches about 2/3 of the tensor-core peak
// (wgmma is the rest; not here).
//
// SIMT kernel. A block computes a 128x128 tile with 256 threads, each an 8x8 micro-tile (rows
// ty*4 + {0..3} and 64 + ty*4 + {0..3}, the same split for columns, so shared-memory reads are
// float4 and conflict-free); K advances 8 at a time, tiles stored transposed (k-major) in two
// shared buffers: the next tile is loaded to registers while the current one is multiplied.
// float4 loads need K % 4 == 0 and 16-byte aligned A and B; otherwise scalar loads.
// Offsets are 64-bit (M*K and N*K up to 2^31 and beyond).
#include "tc_compat.h"

#define TC_GEMM_THREADS 256
#define TC_GEMM_BM 128
#define TC_GEMM_BN 128
#define TC_GEMM_BK 32
#define TC_GEMM_STAGES 4
// elements of one stage: A's 128 rows then B's 128 rows, 32 elements each
#define TC_GEMM_STAGE_ELEMS ((TC_GEMM_BM + TC_GEMM_BN) * TC_GEMM_BK)
// tile rows per group of the tile order (L2 reuse)
#define TC_GEMM_GROUP_M 8

#define TC_SGEMM_BM 128
#define TC_SGEMM_BN 128
#define TC_SGEMM_BK 8

// Tile (tm, tn) of block `tile` in the grouped order: groups of TC_GEMM_GROUP_M tile rows, each
// swept column by column, so consecutive blocks reuse the same B columns and A rows.
TC_DEVICE void tc_gemm_tile(int tile, int tiles_m, int tiles_n, int& tm, int& tn)
{
    const int per_group = TC_GEMM_GROUP_M * tiles_n;
    const int first_m = (tile / per_group) * TC_GEMM_GROUP_M;
    const int rows = tiles_m - first_m < TC_GEMM_GROUP_M ? tiles_m - first_m : TC_GEMM_GROUP_M;
    const int in_group = tile % per_group;
    tm = first_m + in_group % rows;
    tn = in_group / rows;
}

// ceil(a / b) for a >= 0 without the overflow of (a + b - 1) / b near INT_MAX
TC_DEVICE int tc_ceil_div(int a, int b)
{
    return a / b + (a % b != 0 ? 1 : 0);
}

TC_DEVICE bool tc_aligned16(const void* p)
{
    return (reinterpret_cast<unsigned long long>(p) & 15ull) == 0ull;
}

// ------------------------------------------------------------------ tensor cores (fp16, bf16)

// Element offset of 16-byte chunk `chunk` (0..3) of row `row` in a stage's [rows x 32] half.
TC_DEVICE int tc_gemm_swizzle(int row, int chunk)
{
    return row * TC_GEMM_BK + ((chunk ^ ((row >> 1) & 3)) << 3);
}

// Loads rows row0..row0+127, k k0..k0+31 of a K-contiguous [rows x k] matrix into a stage half:
// 512 chunks of 16 bytes, two per thread; zeros past the matrix's edges.
TC_DEVICE void tc_gemm_load(unsigned short* stage, const unsigned short* __restrict__ g, int rows, int k, int row0,
                            int k0, bool vec)
{
    TC_UNROLL
    for (int i = 0; i < (TC_GEMM_BM * TC_GEMM_BK / 8) / TC_GEMM_THREADS; ++i) {
        const int c = static_cast<int>(threadIdx.x) + i * TC_GEMM_THREADS;
        const int r = c >> 2;
        const int chunk = c & 3;
        const int gr = row0 + r;
        const int gk = k0 + chunk * 8;
        unsigned short* dst = stage + tc_gemm_swizzle(r, chunk);
        if (vec) {
            // K % 8 == 0: a chunk is wholly inside the matrix or wholly outside
            const bool inside = gr < rows && gk < k;
            const unsigned short* src = inside ? g + static_cast<long long>(gr) * k + gk : g;
            tc_cp_async_16(dst, src, inside ? 16 : 0);
        } else {
            for (int e = 0; e < 8; ++e) {
                dst[e] = gr < rows && gk + e < k ? g[static_cast<long long>(gr) * k + gk + e] : static_cast<unsigned short>(0);
            }
        }
    }
}

// One stage's 32 k: two k16 steps of 4x4 mma tiles for this warp's 64x32.
template <typename T>
TC_DEVICE void tc_gemm_multiply(const unsigned short* sa, const unsigned short* sb, int warp_m, int warp_n, int lane,
                                float (&acc)[4][4][4])
{
    TC_UNROLL
    for (int kk = 0; kk < TC_GEMM_BK / 16; ++kk) {
        unsigned int a[4][4];
        unsigned int b[4][2];
        TC_UNROLL
        for (int i = 0; i < 4; ++i) {
            // matrices: rows 0-7 / 8-15 (bit 3 of the lane) x k 0-7 / 8-15 (bit 4)
            const int row = warp_m + i * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
            tc_ldmatrix_x4(a[i], sa + tc_gemm_swizzle(row, kk * 2 + (lane >> 4)));
        }
        TC_UNROLL
        for (int j = 0; j < 2; ++j) {
            // matrices: k 0-7 / 8-15 (bit 3) x n 0-7 / 8-15 (bit 4): b of two n8 tiles
            const int row = warp_n + j * 16 + (lane & 7) + (lane >> 4) * 8;
            unsigned int r[4];
            tc_ldmatrix_x4(r, sb + tc_gemm_swizzle(row, kk * 2 + ((lane >> 3) & 1)));
            b[2 * j][0] = r[0];
            b[2 * j][1] = r[1];
            b[2 * j + 1][0] = r[2];
            b[2 * j + 1][1] = r[3];
        }
        TC_UNROLL
        for (int i = 0; i < 4; ++i) {
            TC_UNROLL
            for (int j = 0; j < 4; ++j) {
                TcMmaType<T>::mma(acc[i][j], a[i], b[j]);
            }
        }
    }
}

template <typename T>
TC_DEVICE void tc_gemm_tensor(T* __restrict__ c, const unsigned short* __restrict__ a, const unsigned short* __restrict__ b,
                              int m, int n, int k)
{
    TC_DYNAMIC_SHARED(unsigned short, smem);
    const int tiles_m = tc_ceil_div(m, TC_GEMM_BM);
    const int tiles_n = tc_ceil_div(n, TC_GEMM_BN);
    int tm;
    int tn;
    tc_gemm_tile(static_cast<int>(blockIdx.x), tiles_m, tiles_n, tm, tn);
    const int lane = static_cast<int>(threadIdx.x & 31u);
    const int warp = static_cast<int>(threadIdx.x >> 5);
    const int warp_m = (warp >> 2) * 64;
    const int warp_n = (warp & 3) * 32;
    const bool vec = k % 8 == 0 && tc_aligned16(a) && tc_aligned16(b);
    const int ktiles = tc_ceil_div(k, TC_GEMM_BK);

    float acc[4][4][4];
    TC_UNROLL
    for (int i = 0; i < 4; ++i) {
        TC_UNROLL
        for (int j = 0; j < 4; ++j) {
            TC_UNROLL
            for (int e = 0; e < 4; ++e) {
                acc[i][j][e] = 0.0f;
            }
        }
    }

    // prologue: stages 0..STAGES-2 in flight; one commit per stage, loaded or not, keeps the
    // group count (and so the wait below) uniform
    TC_UNROLL
    for (int s = 0; s < TC_GEMM_STAGES - 1; ++s) {
        if (s < ktiles) {
            unsigned short* stage = smem + s * TC_GEMM_STAGE_ELEMS;
            tc_gemm_load(stage, a, m, k, tm * TC_GEMM_BM, s * TC_GEMM_BK, vec);
            tc_gemm_load(stage + TC_GEMM_BM * TC_GEMM_BK, b, n, k, tn * TC_GEMM_BN, s * TC_GEMM_BK, vec);
        }
        tc_cp_async_commit();
    }
    for (int kt = 0; kt < ktiles; ++kt) {
        tc_cp_async_wait<TC_GEMM_STAGES - 2>();   // this thread's copies of stage kt landed...
        __syncthreads();                          // ...and everyone's; stage kt - 1 is free
        const int next = kt + TC_GEMM_STAGES - 1;
        if (next < ktiles) {
            unsigned short* stage = smem + (next % TC_GEMM_STAGES) * TC_GEMM_STAGE_ELEMS;
            tc_gemm_load(stage, a, m, k, tm * TC_GEMM_BM, next * TC_GEMM_BK, vec);
            tc_gemm_load(stage + TC_GEMM_BM * TC_GEMM_BK, b, n, k, tn * TC_GEMM_BN, next * TC_GEMM_BK, vec);
        }
        tc_cp_async_commit();
        const unsigned short* sa = smem + (kt % TC_GEMM_STAGES) * TC_GEMM_STAGE_ELEMS;
        tc_gemm_multiply<T>(sa, sa + TC_GEMM_BM * TC_GEMM_BK, warp_m, warp_n, lane, acc);
    }
    tc_cp_async_wait<0>();

    // epilogue: accumulator e of tile (i, j) is row g + 8 (e >> 1), column 2t + (e & 1)
    const bool pairs = n % 2 == 0;   // then (row * n + col) is even for even col: 4-byte stores
    TC_UNROLL
    for (int i = 0; i < 4; ++i) {
        TC_UNROLL
        for (int j = 0; j < 4; ++j) {
            const int col = tn * TC_GEMM_BN + warp_n + j * 8 + 2 * (lane & 3);
            TC_UNROLL
            for (int h = 0; h < 2; ++h) {
                const int row = tm * TC_GEMM_BM + warp_m + i * 16 + (lane >> 2) + 8 * h;
                if (row >= m || col >= n) {
                    continue;
                }
                T* out = c + static_cast<long long>(row) * n + col;
                const float lo = acc[i][j][2 * h];
                const float hi = acc[i][j][2 * h + 1];
                if (pairs) {
                    *reinterpret_cast<typename TcMmaType<T>::Pair*>(out) = TcMmaType<T>::pair(lo, hi);
                } else {
                    out[0] = TcMmaType<T>::one(lo);
                    if (col + 1 < n) {
                        out[1] = TcMmaType<T>::one(hi);
                    }
                }
            }
        }
    }
}

// Grid: ceil(m/128) * ceil(n/128) blocks of 256 threads; dynamic shared memory
// TC_GEMM_STAGES * TC_GEMM_STAGE_ELEMS * 2 bytes (CudaGemm.config).
extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_GEMM_THREADS, 2)
gemm_fp16(__half* __restrict__ c, const unsigned short* __restrict__ a, const unsigned short* __restrict__ b, int m, int n,
          int k)
{
    tc_gemm_tensor<__half>(c, a, b, m, n, k);
}

extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_GEMM_THREADS, 2)
gemm_bf16(__nv_bfloat16* __restrict__ c, const unsigned short* __restrict__ a, const unsigned short* __restrict__ b,
          int m, int n, int k)
{
    tc_gemm_tensor<__nv_bfloat16>(c, a, b, m, n, k);
}

// ------------------------------------------------------------------ SIMT (fp32)

// Loads this thread's 4 consecutive k of one row (rows row0 + tid / 2, k k0 + 4 (tid % 2)).
TC_DEVICE float4 tc_sgemm_fetch(const float* __restrict__ g, int rows, int k, int row0, int k0, bool vec)
{
    const int r = row0 + static_cast<int>(threadIdx.x >> 1);
    const int kk = k0 + static_cast<int>(threadIdx.x & 1u) * 4;
    float4 v{0.0f, 0.0f, 0.0f, 0.0f};
    if (r < rows) {
        const float* p = g + static_cast<long long>(r) * k + kk;
        if (vec) {
            if (kk < k) {
                v = *reinterpret_cast<const float4*>(p);
            }
        } else {
            v.x = kk < k ? p[0] : 0.0f;
            v.y = kk + 1 < k ? p[1] : 0.0f;
            v.z = kk + 2 < k ? p[2] : 0.0f;
            v.w = kk + 3 < k ? p[3] : 0.0f;
        }
    }
    return v;
}

// Stores a fetched float4 transposed: s[k][row].
TC_DEVICE void tc_sgemm_store(float (*s)[TC_SGEMM_BM], float4 v)
{
    const int r = static_cast<int>(threadIdx.x >> 1);
    const int kk = static_cast<int>(threadIdx.x & 1u) * 4;
    s[kk][r] = v.x;
    s[kk + 1][r] = v.y;
    s[kk + 2][r] = v.z;
    s[kk + 3][r] = v.w;
}

// Grid: ceil(m/128) * ceil(n/128) blocks of 256 threads (CudaGemm.config).
extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_GEMM_THREADS, 2)
gemm_fp32(float* __restrict__ c, const float* __restrict__ a, const float* __restrict__ b, int m, int n, int k)
{
    alignas(16) __shared__ float as[2][TC_SGEMM_BK][TC_SGEMM_BM];
    alignas(16) __shared__ float bs[2][TC_SGEMM_BK][TC_SGEMM_BN];
    const int tiles_m = tc_ceil_div(m, TC_SGEMM_BM);
    const int tiles_n = tc_ceil_div(n, TC_SGEMM_BN);
    int tm;
    int tn;
    tc_gemm_tile(static_cast<int>(blockIdx.x), tiles_m, tiles_n, tm, tn);
    const int tx = static_cast<int>(threadIdx.x & 15u);
    const int ty = static_cast<int>(threadIdx.x >> 4);
    const bool vec = k % 4 == 0 && tc_aligned16(a) && tc_aligned16(b);
    const int ktiles = tc_ceil_div(k, TC_SGEMM_BK);

    float acc[8][8];
    TC_UNROLL
    for (int i = 0; i < 8; ++i) {
        TC_UNROLL
        for (int j = 0; j < 8; ++j) {
            acc[i][j] = 0.0f;
        }
    }
    tc_sgemm_store(as[0], tc_sgemm_fetch(a, m, k, tm * TC_SGEMM_BM, 0, vec));
    tc_sgemm_store(bs[0], tc_sgemm_fetch(b, n, k, tn * TC_SGEMM_BN, 0, vec));
    __syncthreads();
    for (int kt = 0; kt < ktiles; ++kt) {
        const int buf = kt & 1;
        float4 na{0.0f, 0.0f, 0.0f, 0.0f};
        float4 nb{0.0f, 0.0f, 0.0f, 0.0f};
        const bool more = kt + 1 < ktiles;
        if (more) {
            na = tc_sgemm_fetch(a, m, k, tm * TC_SGEMM_BM, (kt + 1) * TC_SGEMM_BK, vec);
            nb = tc_sgemm_fetch(b, n, k, tn * TC_SGEMM_BN, (kt + 1) * TC_SGEMM_BK, vec);
        }
        TC_UNROLL
        for (int kk = 0; kk < TC_SGEMM_BK; ++kk) {
            float av[8];
            float bv[8];
            const float4 a0 = *reinterpret_cast<const float4*>(&as[buf][kk][ty * 4]);
            const float4 a1 = *reinterpret_cast<const float4*>(&as[buf][kk][64 + ty * 4]);
            const float4 b0 = *reinterpret_cast<const float4*>(&bs[buf][kk][tx * 4]);
            const float4 b1 = *reinterpret_cast<const float4*>(&bs[buf][kk][64 + tx * 4]);
            av[0] = a0.x; av[1] = a0.y; av[2] = a0.z; av[3] = a0.w;
            av[4] = a1.x; av[5] = a1.y; av[6] = a1.z; av[7] = a1.w;
            bv[0] = b0.x; bv[1] = b0.y; bv[2] = b0.z; bv[3] = b0.w;
            bv[4] = b1.x; bv[5] = b1.y; bv[6] = b1.z; bv[7] = b1.w;
            TC_UNROLL
            for (int i = 0; i < 8; ++i) {
                TC_UNROLL
                for (int j = 0; j < 8; ++j) {
                    acc[i][j] = fmaf(av[i], bv[j], acc[i][j]);
                }
            }
        }
        if (more) {
            // the other buffer was last read before the previous barrier: free to overwrite
            tc_sgemm_store(as[buf ^ 1], na);
            tc_sgemm_store(bs[buf ^ 1], nb);
        }
        __syncthreads();
    }

    const bool quads = n % 4 == 0;   // then rows start 16-byte aligned: float4 stores
    TC_UNROLL
    for (int i = 0; i < 8; ++i) {
        const int row = tm * TC_SGEMM_BM + (i >> 2) * 64 + ty * 4 + (i & 3);
        if (row >= m) {
            continue;
        }
        TC_UNROLL
        for (int h = 0; h < 2; ++h) {
            const int col = tn * TC_SGEMM_BN + h * 64 + tx * 4;
            float* out = c + static_cast<long long>(row) * n + col;
            if (quads && col < n) {
                *reinterpret_cast<float4*>(out) = float4{acc[i][4 * h], acc[i][4 * h + 1], acc[i][4 * h + 2], acc[i][4 * h + 3]};
            } else {
                for (int j = 0; j < 4; ++j) {
                    if (col + j < n) {
                        out[j] = acc[i][4 * h + j];
                    }
                }
            }
        }
    }
}
