// attention_prefill.cu: a prompt's causal self-attention (FlashAttention-2 style) on tensor cores,
// q heads grouped over kv heads (GQA).
// Java twin and the definition of the layouts: io.tokencost.kernels.attentionprefill.AttentionPrefill (reference);
// host code: io.tokencost.kernels.attentionprefill.CudaAttentionPrefill (launch shape, argument order).
//   q, o [batch x heads x seq x D], k, v [batch x kv_heads x seq x D]; all fp16 or all bf16; D 64, 128
//   q head h reads kv head h / (heads / kv_heads); o[i] = softmax_{j <= i}(q_i . k_j / sqrt(D)) v_j
// Bytes moved: q, k, v read once and o written (AttentionPrefill.workload); FLOPs
// 4 * batch * heads * D * seq (seq + 1) / 2: the (query, key) pairs the causal mask keeps.
//
// A block of 4 warps owns 64 query rows of one (sequence, q head), a warp 16 of them; the blocks
// take the query tiles last first, so the longest rows of the causal triangle start earliest.
// The block walks the key tiles 0 .. its own (64 keys each; K and V in two stages, so tile kt + 1
// loads by cp.async while tile kt is multiplied; Q, K and V tiles in 80 / 40 KiB of dynamic shared
// memory, XOR-swizzled by row for conflict-free ldmatrix):
//   S = Q K^T       mma.sync m16n8k16, Q's fragments kept in registers, K's by ldmatrix.x4
//   online softmax  in registers: scaled by log2(e)/sqrt(D), masked (key > query, or past seq),
//                   row max by quad shuffles, p = 2^(s - max), the running output rescaled
//   O += P V        P's accumulators rounded to the type are already an A fragment (the layouts
//                   match); V's B fragments by ldmatrix.x4.trans from its row-major tile
// then divides by the row sums and stores. Rows past seq load as zeros and are not stored.
#include "tc_compat.h"

#define TC_PF_THREADS 128
#define TC_PF_ROWS 64   // query rows per block, 16 per warp
#define TC_PF_KEYS 64   // keys per tile

// Element offset of 16-byte chunk `chunk` of tile row `row` (rows of D elements), swizzled.
template <int D>
TC_DEVICE int tc_pf_swizzle(int row, int chunk)
{
    return row * D + ((chunk ^ (row & 7)) << 3);
}

// Rows row0 .. row0+63 of a [rows x D] matrix into a tile; zeros past `rows`.
template <int D>
TC_DEVICE void tc_pf_load(unsigned short* tile, const unsigned short* __restrict__ g, int rows, int row0)
{
    constexpr int CHUNKS = D / 8;
    TC_UNROLL
    for (int i = 0; i < TC_PF_ROWS * CHUNKS / TC_PF_THREADS; ++i) {
        const int c = static_cast<int>(threadIdx.x) + i * TC_PF_THREADS;
        const int r = c / CHUNKS;
        const int chunk = c % CHUNKS;
        const bool inside = row0 + r < rows;
        const unsigned short* src = inside ? g + static_cast<long long>(row0 + r) * D + chunk * 8 : g;
        tc_cp_async_16(tile + tc_pf_swizzle<D>(r, chunk), src, inside ? 16 : 0);
    }
}

template <typename T, int D>
TC_DEVICE void tc_attention_prefill(T* __restrict__ o, const unsigned short* __restrict__ q,
                                    const unsigned short* __restrict__ k, const unsigned short* __restrict__ v, int heads,
                                    int kv_heads, int seq)
{
    constexpr int KSTEPS = D / 16;    // k16 steps of Q K^T
    constexpr int DTILES = D / 8;     // n8 tiles of O
    constexpr int STILES = TC_PF_KEYS / 8;
    TC_DYNAMIC_SHARED(unsigned short, smem);
    unsigned short* sq = smem;
    // two stages of (K, V): the next key tile loads while this one is multiplied
    unsigned short* skv = smem + TC_PF_ROWS * D;

    const int q_tiles = seq / TC_PF_ROWS + (seq % TC_PF_ROWS != 0 ? 1 : 0);
    const int qt = q_tiles - 1 - static_cast<int>(blockIdx.x) % q_tiles;
    const int seq_head = static_cast<int>(blockIdx.x) / q_tiles;   // b * heads + h
    const int b = seq_head / heads;
    const int h = seq_head % heads;
    const int kvh = h / (heads / kv_heads);
    const unsigned short* qb = q + static_cast<long long>(seq_head) * seq * D;
    const unsigned short* kb = k + (static_cast<long long>(b) * kv_heads + kvh) * seq * D;
    const unsigned short* vb = v + (static_cast<long long>(b) * kv_heads + kvh) * seq * D;
    const int lane = static_cast<int>(threadIdx.x & 31u);
    const int warp = static_cast<int>(threadIdx.x >> 5);
    const int g = lane >> 2;
    const int t = lane & 3;
    const float scale = 1.4426950408889634f / sqrtf(static_cast<float>(D));   // log2(e) / sqrt(D)

    tc_pf_load<D>(sq, qb, seq, qt * TC_PF_ROWS);
    tc_cp_async_commit();
    tc_pf_load<D>(skv, kb, seq, 0);
    tc_pf_load<D>(skv + TC_PF_KEYS * D, vb, seq, 0);
    tc_cp_async_commit();
    tc_cp_async_wait<1>();   // Q landed (key tile 0 may still be in flight)
    __syncthreads();
    unsigned int qf[KSTEPS][4];
    TC_UNROLL
    for (int kk = 0; kk < KSTEPS; ++kk) {
        const int row = warp * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
        tc_ldmatrix_x4(qf[kk], sq + tc_pf_swizzle<D>(row, kk * 2 + (lane >> 4)));
    }

    float acc[DTILES][4];
    TC_UNROLL
    for (int n = 0; n < DTILES; ++n) {
        TC_UNROLL
        for (int e = 0; e < 4; ++e) {
            acc[n][e] = 0.0f;
        }
    }
    float row_max[2] = {-INFINITY, -INFINITY};   // rows g and g + 8 of the warp's 16
    float row_sum[2] = {0.0f, 0.0f};             // this thread's share of them
    const int q_row0 = qt * TC_PF_ROWS + warp * 16 + g;

    for (int kt = 0; kt <= qt; ++kt) {
        if (kt < qt) {
            // stage (kt + 1) & 1 was last read in iteration kt - 1, before its closing barrier
            unsigned short* next = skv + ((kt + 1) & 1) * 2 * TC_PF_KEYS * D;
            tc_pf_load<D>(next, kb, seq, (kt + 1) * TC_PF_KEYS);
            tc_pf_load<D>(next + TC_PF_KEYS * D, vb, seq, (kt + 1) * TC_PF_KEYS);
        }
        tc_cp_async_commit();      // one group per iteration, loaded or not: the wait below stays uniform
        tc_cp_async_wait<1>();     // this thread's copies of tile kt landed...
        __syncthreads();           // ...and everyone's
        const unsigned short* sk = skv + (kt & 1) * 2 * TC_PF_KEYS * D;
        const unsigned short* sv = sk + TC_PF_KEYS * D;

        float s[STILES][4];
        TC_UNROLL
        for (int j = 0; j < STILES; ++j) {
            TC_UNROLL
            for (int e = 0; e < 4; ++e) {
                s[j][e] = 0.0f;
            }
        }
        TC_UNROLL
        for (int kk = 0; kk < KSTEPS; ++kk) {
            TC_UNROLL
            for (int j2 = 0; j2 < STILES / 2; ++j2) {
                const int row = j2 * 16 + (lane & 7) + (lane >> 4) * 8;
                unsigned int r[4];
                tc_ldmatrix_x4(r, sk + tc_pf_swizzle<D>(row, kk * 2 + ((lane >> 3) & 1)));
                const unsigned int b0[2] = {r[0], r[1]};
                const unsigned int b1[2] = {r[2], r[3]};
                TcMmaType<T>::mma(s[2 * j2], qf[kk], b0);
                TcMmaType<T>::mma(s[2 * j2 + 1], qf[kk], b1);
            }
        }

        // element e of tile j: query row q_row0 + 8 (e >> 1), key kt*64 + 8j + 2t + (e & 1)
        float alpha[2];
        TC_UNROLL
        for (int hr = 0; hr < 2; ++hr) {
            const int qrow = q_row0 + 8 * hr;
            float mx = -INFINITY;
            TC_UNROLL
            for (int j = 0; j < STILES; ++j) {
                TC_UNROLL
                for (int c = 0; c < 2; ++c) {
                    const int key = kt * TC_PF_KEYS + 8 * j + 2 * t + c;
                    const float val = key <= qrow && key < seq ? s[j][2 * hr + c] * scale : -INFINITY;
                    s[j][2 * hr + c] = val;
                    mx = fmaxf(mx, val);
                }
            }
            mx = fmaxf(mx, __shfl_xor_sync(TC_FULL_MASK, mx, 1));
            mx = fmaxf(mx, __shfl_xor_sync(TC_FULL_MASK, mx, 2));
            // key 0 <= every query row: the first tile gives each row a finite max
            const float m_new = fmaxf(row_max[hr], mx);
            alpha[hr] = exp2f(row_max[hr] - m_new);
            row_max[hr] = m_new;
            float sum = 0.0f;
            TC_UNROLL
            for (int j = 0; j < STILES; ++j) {
                TC_UNROLL
                for (int c = 0; c < 2; ++c) {
                    const float p = exp2f(s[j][2 * hr + c] - m_new);
                    s[j][2 * hr + c] = p;
                    sum += p;
                }
            }
            row_sum[hr] = row_sum[hr] * alpha[hr] + sum;
        }
        TC_UNROLL
        for (int n = 0; n < DTILES; ++n) {
            TC_UNROLL
            for (int e = 0; e < 4; ++e) {
                acc[n][e] *= alpha[e >> 1];
            }
        }

        TC_UNROLL
        for (int kk = 0; kk < TC_PF_KEYS / 16; ++kk) {
            const unsigned int a[4] = {tc_pair_bits<T>(s[2 * kk][0], s[2 * kk][1]), tc_pair_bits<T>(s[2 * kk][2], s[2 * kk][3]),
                                       tc_pair_bits<T>(s[2 * kk + 1][0], s[2 * kk + 1][1]),
                                       tc_pair_bits<T>(s[2 * kk + 1][2], s[2 * kk + 1][3])};
            TC_UNROLL
            for (int n2 = 0; n2 < DTILES / 2; ++n2) {
                const int row = kk * 16 + (lane & 7) + ((lane >> 3) & 1) * 8;
                unsigned int r[4];
                tc_ldmatrix_x4_trans(r, sv + tc_pf_swizzle<D>(row, n2 * 2 + (lane >> 4)));
                const unsigned int b0[2] = {r[0], r[1]};
                const unsigned int b1[2] = {r[2], r[3]};
                TcMmaType<T>::mma(acc[2 * n2], a, b0);
                TcMmaType<T>::mma(acc[2 * n2 + 1], a, b1);
            }
        }
        __syncthreads();   // every warp is done with stage kt & 1 before iteration kt + 1 refills it
    }

    TC_UNROLL
    for (int hr = 0; hr < 2; ++hr) {
        row_sum[hr] += __shfl_xor_sync(TC_FULL_MASK, row_sum[hr], 1);
        row_sum[hr] += __shfl_xor_sync(TC_FULL_MASK, row_sum[hr], 2);
    }
    T* ob = o + static_cast<long long>(seq_head) * seq * D;
    TC_UNROLL
    for (int hr = 0; hr < 2; ++hr) {
        const int qrow = q_row0 + 8 * hr;
        if (qrow < seq) {
            const float inv = 1.0f / row_sum[hr];
            TC_UNROLL
            for (int n = 0; n < DTILES; ++n) {
                *reinterpret_cast<typename TcMmaType<T>::Pair*>(ob + static_cast<long long>(qrow) * D + 8 * n + 2 * t) =
                    TcMmaType<T>::pair(acc[n][2 * hr] * inv, acc[n][2 * hr + 1] * inv);
            }
        }
    }
}

// Grid: batch * heads * ceil(seq / 64) blocks of 128 threads, 5 * 64 * D * 2 bytes of dynamic
// shared memory (Q + two stages of K and V; CudaAttentionPrefill.config).
#define TC_PF_ENTRY(NAME, T, D)                                                                          \
    extern "C" __global__ void TC_LAUNCH_BOUNDS_MIN(TC_PF_THREADS, 2)                                    \
    NAME(T* __restrict__ o, const unsigned short* __restrict__ q, const unsigned short* __restrict__ k,   \
         const unsigned short* __restrict__ v, int heads, int kv_heads, int seq)                          \
    {                                                                                                     \
        tc_attention_prefill<T, D>(o, q, k, v, heads, kv_heads, seq);                                     \
    }

TC_PF_ENTRY(attention_prefill_fp16_hd64, __half, 64)
TC_PF_ENTRY(attention_prefill_fp16_hd128, __half, 128)
TC_PF_ENTRY(attention_prefill_bf16_hd64, __nv_bfloat16, 64)
TC_PF_ENTRY(attention_prefill_bf16_hd128, __nv_bfloat16, 128)
