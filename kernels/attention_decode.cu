// attention_decode.cu: one decode step's attention (Flash-Decoding): every sequence's single query
// token against its whole KV cache, q heads grouped over kv heads (GQA), the context split over
// blocks and the splits' partial softmaxes combined by a second kernel.
// Java twin and the definition of the layouts: io.tokencost.kernels.attentiondecode.AttentionDecode (reference);
// host code: io.tokencost.kernels.attentiondecode.CudaAttentionDecode (splits, launch shapes, argument order).
//   q  F16 [batch x heads x D]        o F32 [batch x heads x D]        D = head_dim, 64 or 128
//   k, v [batch x kv_heads x context x D]: F16, or I8 with F16 scales [batch x kv_heads x context]
//        per token and kv head (k = k_q * k_scale[token], v likewise); or paged: a pool of
//        [pages x kv_heads x 16 x D] (scales [pages x kv_heads x 16]) and a block table
//        int32 [batch x pages_per_seq] naming each sequence's pages in order
//   q head h reads kv head h / (heads / kv_heads); o = softmax(q k^T / sqrt(D)) v
// Bytes moved: the KV cache (and scales) read once, q read, o written (AttentionDecode.workload);
// FLOPs 4 * batch * heads * context * D. The partials' round trip is not charged.
//
// attention_decode_<kv>_hd<D>_g<G>: a block of 128 threads owns one (sequence, kv head) and one slice of
// the context, and serves all the group's q heads from one read of each K and V row. Per tile of 64
// rows: (1) scores: D/8 lanes per row, each with 8 dims of K (16 bytes fp16, 8 bytes int8, streamed
// evict-first) against the same 8 dims of each q head (in registers, pre-scaled by
// log2(e)/sqrt(D)), summed by xor shuffles; (2) online softmax: a warp per q head finds the tile's
// max, rescales the running sum, writes p = 2^(s - max) (int8: times the token's v scale); (3) p V:
// thread = (8 dims, row group) accumulates every head's 8 output dims over its rows. At the end the
// row groups' sums meet in shared memory and the block writes, per q head, its unnormalised output
// and (max, sum) to `partial` [batch * heads][splits][D + 2].
// attention_decode_combine: a block per (sequence, q head), a thread per dim:
// o = sum_s 2^(m_s - M) acc_s / sum_s 2^(m_s - M) l_s.
// Empty slices (m = -inf) weigh nothing. Offsets are 64-bit.
#include "tc_compat.h"

#define TC_ATT_THREADS 128
#define TC_ATT_WARPS (TC_ATT_THREADS / 32)
#define TC_ATT_TILE 64   // context rows per tile

enum : int { TC_KV_FP16 = 0, TC_KV_INT8 = 1 };

// 8 consecutive elements of a K or V row from element d0, as floats (int8: the codes, unscaled).
template <int KV>
TC_DEVICE void tc_att_load8(const void* __restrict__ row, int d0, float (&f)[8])
{
    if constexpr (KV == TC_KV_FP16) {
        const uint4 v = __ldcs(reinterpret_cast<const uint4*>(static_cast<const __half*>(row) + d0));
        const unsigned int w[4] = {v.x, v.y, v.z, v.w};
        TC_UNROLL
        for (int j = 0; j < 4; ++j) {
            __half2 h;
            memcpy(&h, &w[j], sizeof h);
            const float2 p = __half22float2(h);
            f[2 * j] = p.x;
            f[2 * j + 1] = p.y;
        }
    } else {
        const uint2 v = __ldcs(reinterpret_cast<const uint2*>(static_cast<const signed char*>(row) + d0));
        TC_UNROLL
        for (int i = 0; i < 4; ++i) {
            f[i] = static_cast<float>(static_cast<signed char>((v.x >> (8 * i)) & 0xffu));
            f[4 + i] = static_cast<float>(static_cast<signed char>((v.y >> (8 * i)) & 0xffu));
        }
    }
}

// G: the most q heads per kv head this instance serves (4 or 8: registers hold G x 16 floats)
// The cache row holding token t of sequence b, kv head kvh: contiguous, [batch x kv_heads x
// context] rows; paged (PAGE > 0), page table[b * pages_per_seq + t / PAGE] of a pool of
// [pages x kv_heads x PAGE] rows. int8 scales are indexed by the same row.
template <int PAGE>
TC_DEVICE long long tc_att_row(const int* __restrict__ table, int pages_per_seq, int b, int kvh, int kv_heads, int context, int t)
{
    if constexpr (PAGE == 0) {
        (void) table;
        (void) pages_per_seq;
        return (static_cast<long long>(b) * kv_heads + kvh) * context + t;
    } else {
        (void) context;
        const long long page = __ldg(table + static_cast<long long>(b) * pages_per_seq + t / PAGE);
        return (page * kv_heads + kvh) * PAGE + t % PAGE;
    }
}

template <int KV, int D, int G, int PAGE>
TC_DEVICE void tc_attention_decode(float* __restrict__ partial, const __half* __restrict__ q, const void* __restrict__ k,
                                   const void* __restrict__ v, const __half* __restrict__ k_scales,
                                   const __half* __restrict__ v_scales, const int* __restrict__ table, int pages_per_seq,
                                   int heads, int kv_heads, int context, int splits)
{
    constexpr int LPR = D / 8;                     // lanes per row in the score phase
    constexpr int RPW = 32 / LPR;                  // rows per warp per pass
    constexpr int PASSES = TC_ATT_TILE / (RPW * TC_ATT_WARPS);
    constexpr int RG = TC_ATT_THREADS / (D / 8);   // row groups in the p V phase
    constexpr int ELEM = KV == TC_KV_FP16 ? 2 : 1;
    __shared__ float s_p[G][TC_ATT_TILE];
    __shared__ float s_alpha[G];
    __shared__ float s_m[G];
    __shared__ float s_l[G];
    __shared__ float s_red[RG][G][D];

    const int split = static_cast<int>(blockIdx.x) % splits;
    const int seq_head = static_cast<int>(blockIdx.x) / splits;   // b * kv_heads + kv head
    const int b = seq_head / kv_heads;
    const int kvh = seq_head % kv_heads;
    const int group = heads / kv_heads;
    // slices of whole tiles, so only the context's last tile is partial
    const int tiles = context / TC_ATT_TILE + (context % TC_ATT_TILE != 0 ? 1 : 0);
    const int per = (tiles / splits + (tiles % splits != 0 ? 1 : 0)) * TC_ATT_TILE;
    const int r0 = split * per;
    const int r1 = r0 + per < context ? r0 + per : context;
    const char* kb = static_cast<const char*>(k);
    const char* vb = static_cast<const char*>(v);

    const int tid = static_cast<int>(threadIdx.x);
    const int lane = tid & 31;
    const int warp = tid >> 5;
    const int dc = lane % LPR;        // score phase: dims dc*8 .. dc*8+7
    const int pc = tid % (D / 8);     // p V phase: dims pc*8 .. pc*8+7
    const int rg = tid / (D / 8);     // p V phase: rows rg, rg + RG, ...
    const float q_scale = 1.4426950408889634f / sqrtf(static_cast<float>(D));   // log2(e) / sqrt(D)

    float qf[G][8];
    float acc[G][8];
    TC_UNROLL
    for (int g = 0; g < G; ++g) {
        const __half* qh = q + (static_cast<long long>(b) * heads + static_cast<long long>(kvh) * group + (g < group ? g : 0)) * D + dc * 8;
        TC_UNROLL
        for (int e = 0; e < 8; ++e) {
            qf[g][e] = g < group ? __half2float(qh[e]) * q_scale : 0.0f;
            acc[g][e] = 0.0f;
        }
    }
    if (tid < G) {
        s_m[tid] = -INFINITY;
        s_l[tid] = 0.0f;
    }
    __syncthreads();

    for (int t0 = r0; t0 < r1; t0 += TC_ATT_TILE) {
        const int rows = r1 - t0 < TC_ATT_TILE ? r1 - t0 : TC_ATT_TILE;
        // (1) scores, in log2 units
        TC_UNROLL
        for (int pass = 0; pass < PASSES; ++pass) {
            const int rr = (pass * TC_ATT_WARPS + warp) * RPW + lane / LPR;
            const bool live = rr < rows;
            const long long row = live ? tc_att_row<PAGE>(table, pages_per_seq, b, kvh, kv_heads, context, t0 + rr) : 0;
            float kf[8];
            if (live) {
                tc_att_load8<KV>(kb + row * D * ELEM, dc * 8, kf);
            } else {
                TC_UNROLL
                for (int e = 0; e < 8; ++e) {
                    kf[e] = 0.0f;
                }
            }
            const float ks = KV == TC_KV_INT8 && live ? __half2float(k_scales[row]) : 1.0f;
            TC_UNROLL
            for (int g = 0; g < G; ++g) {
                if (g < group) {
                    float dot = 0.0f;
                    TC_UNROLL
                    for (int e = 0; e < 8; ++e) {
                        dot = fmaf(qf[g][e], kf[e], dot);
                    }
                    TC_UNROLL
                    for (int offset = LPR / 2; offset > 0; offset >>= 1) {
                        dot += __shfl_xor_sync(TC_FULL_MASK, dot, offset);
                    }
                    if (live && dc == 0) {
                        s_p[g][rr] = dot * ks;
                    }
                }
            }
        }
        __syncthreads();
        // (2) online softmax: warp w takes q heads w, w + 4
        for (int g = warp; g < group; g += TC_ATT_WARPS) {
            float mx = -INFINITY;
            for (int rr = lane; rr < rows; rr += 32) {
                mx = fmaxf(mx, s_p[g][rr]);
            }
            TC_UNROLL
            for (int offset = 16; offset > 0; offset >>= 1) {
                mx = fmaxf(mx, __shfl_xor_sync(TC_FULL_MASK, mx, offset));
            }
            const float m_old = s_m[g];
            const float m_new = fmaxf(m_old, mx);
            float sum = 0.0f;
            for (int rr = lane; rr < rows; rr += 32) {
                const float p = exp2f(s_p[g][rr] - m_new);
                sum += p;
                s_p[g][rr] = KV == TC_KV_INT8
                        ? p * __half2float(v_scales[tc_att_row<PAGE>(table, pages_per_seq, b, kvh, kv_heads, context, t0 + rr)])
                        : p;
            }
            TC_UNROLL
            for (int offset = 16; offset > 0; offset >>= 1) {
                sum += __shfl_xor_sync(TC_FULL_MASK, sum, offset);
            }
            if (lane == 0) {
                const float alpha = exp2f(m_old - m_new);   // m_old = -inf on the first tile: 0
                s_alpha[g] = alpha;
                s_l[g] = s_l[g] * alpha + sum;
                s_m[g] = m_new;
            }
        }
        __syncthreads();
        // (3) acc = alpha acc + p V
        TC_UNROLL
        for (int g = 0; g < G; ++g) {
            if (g < group) {
                const float alpha = s_alpha[g];
                TC_UNROLL
                for (int e = 0; e < 8; ++e) {
                    acc[g][e] *= alpha;
                }
            }
        }
        for (int rr = rg; rr < rows; rr += RG) {
            float vf[8];
            tc_att_load8<KV>(vb + tc_att_row<PAGE>(table, pages_per_seq, b, kvh, kv_heads, context, t0 + rr) * D * ELEM, pc * 8, vf);
            TC_UNROLL
            for (int g = 0; g < G; ++g) {
                if (g < group) {
                    const float p = s_p[g][rr];
                    TC_UNROLL
                    for (int e = 0; e < 8; ++e) {
                        acc[g][e] = fmaf(p, vf[e], acc[g][e]);
                    }
                }
            }
        }
        __syncthreads();   // s_p and s_alpha are rewritten by the next tile
    }

    // the row groups' sums, then per q head: acc[0 .. D), max, sum
    TC_UNROLL
    for (int g = 0; g < G; ++g) {
        if (g < group) {
            TC_UNROLL
            for (int e = 0; e < 8; ++e) {
                s_red[rg][g][pc * 8 + e] = acc[g][e];
            }
        }
    }
    __syncthreads();
    for (int i = tid; i < group * D; i += TC_ATT_THREADS) {
        const int g = i / D;
        const int d = i % D;
        float sum = 0.0f;
        for (int r = 0; r < RG; ++r) {
            sum += s_red[r][g][d];
        }
        float* out = partial + ((static_cast<long long>(b) * heads + static_cast<long long>(kvh) * group + g) * splits + split) * (D + 2);
        out[d] = sum;
        if (d == 0) {
            out[D] = s_m[g];
            out[D + 1] = s_l[g];
        }
    }
}

// Grid: batch * kv_heads * splits blocks of 128 threads (CudaAttentionDecode.config). Entry points
// per KV format, head_dim and group bound (_g4: up to 4 q heads per kv head, _g8: up to 8; min
// blocks per SM what their registers allow without spilling); _p16 entry points read a paged cache
// (pages of 16 tokens, a block table of pages_per_seq int32 per sequence).
#define TC_ATT_ENTRY(NAME, KV, T, D, G, PAGE, MIN_BLOCKS)                                                \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_ATT_THREADS, MIN_BLOCKS)                          \
    NAME(float* __restrict__ partial, const __half* __restrict__ q, const T* __restrict__ k,             \
         const T* __restrict__ v, const __half* __restrict__ k_scales, const __half* __restrict__ v_scales, \
         const int* __restrict__ table, int pages_per_seq, int heads, int kv_heads, int context, int splits) \
    {                                                                                                     \
        tc_attention_decode<KV, D, G, PAGE>(partial, q, k, v, k_scales, v_scales, table, pages_per_seq, heads, kv_heads, \
                                            context, splits);                                             \
    }
// fp16 entry points take (and ignore) the scale pointers, contiguous ones the table, so every
// entry point has one signature: CudaAttentionDecode passes the k buffer in the unused slots.
#define TC_ATT_ENTRIES(D, G, MIN_BLOCKS)                                                                 \
    TC_ATT_ENTRY(attention_decode_fp16_hd##D##_g##G, TC_KV_FP16, __half, D, G, 0, MIN_BLOCKS)           \
    TC_ATT_ENTRY(attention_decode_int8_hd##D##_g##G, TC_KV_INT8, signed char, D, G, 0, MIN_BLOCKS)      \
    TC_ATT_ENTRY(attention_decode_fp16_hd##D##_g##G##_p16, TC_KV_FP16, __half, D, G, 16, MIN_BLOCKS)    \
    TC_ATT_ENTRY(attention_decode_int8_hd##D##_g##G##_p16, TC_KV_INT8, signed char, D, G, 16, MIN_BLOCKS)

TC_ATT_ENTRIES(64, 4, 4)
TC_ATT_ENTRIES(64, 8, 2)
TC_ATT_ENTRIES(128, 4, 4)
TC_ATT_ENTRIES(128, 8, 2)

// Grid: batch * heads blocks of head_dim threads. o[row][d] from the row's `splits` partials.
extern "C" __global__ void TC_LAUNCH_BOUNDS(128)
attention_decode_combine(float* __restrict__ o, const float* __restrict__ partial, int head_dim, int splits)
{
    const long long row = blockIdx.x;
    const int d = static_cast<int>(threadIdx.x);
    const float* p = partial + row * splits * (head_dim + 2);
    float big = -INFINITY;
    for (int s = 0; s < splits; ++s) {
        big = fmaxf(big, p[s * (head_dim + 2) + head_dim]);
    }
    float sum = 0.0f;
    float acc = 0.0f;
    for (int s = 0; s < splits; ++s) {
        const float* ps = p + s * (head_dim + 2);
        const float m = ps[head_dim];
        if (m == -INFINITY) {
            continue;   // an empty slice
        }
        const float w = exp2f(m - big);
        sum = fmaf(w, ps[head_dim + 1], sum);
        acc = fmaf(w, ps[d], acc);
    }
    o[row * head_dim + d] = acc / sum;
}
