// transformer_ops.cu: the small per-token operations of a transformer step around its matrix
// products (qgemv.cu, gemm.cu) and attention (attention_decode.cu): what a full-model decode or
// prefill step launches between them. Java twin: io.tokencost.kernels.transformerops.TransformerOps (layouts and
// float64 references), launched by io.tokencost.kernels.transformerops.CudaTransformerOps.
//
// The residual stream h is fp32 [rows x hidden]; what feeds a matrix product is fp16 (qgemv's x);
// what a matrix product returns is fp32 (qgemv's y). So:
//   add_rmsnorm    h += add (optional), out = h / sqrt(mean(h^2) + eps) * w    fp32 -> fp16
//                  (rows from first_row: a prefill's final norm and LM head take the last token only)
//   rope_qkv       the fused qkv product's output: q rotated -> fp16; k rotated and v appended to
//                  the fp16 KV cache at each row's position (attention_decode.cu's layout); a
//                  sequence brings `tokens` rows (decode 1; a prefill its prompt, q then laid out
//                  per head as attention_prefill.cu reads it)
//   merge_heads    prefill attention's output [seq x heads x tokens x D] -> [seq x tokens x heads*D],
//                  rows for the o projection                                    fp16 -> fp16
//   swiglu         the fused gate/up product's output: silu(gate) * up          fp32 -> fp16
//   to_half        attention's fp32 output -> fp16 for the o projection
//   to_float       a 16-bit GEMM's fp16 output -> fp32 for the ops above (gemm.cu writes C as fp16)
// A mixture-of-experts layer (decode and prefill) adds three around its router product and its
// experts' products (qgemv.cu's qgemv_<format>_experts):
//   moe_route      the router's logits [tokens x E] -> each token's top-k experts and their weights
//                  (softmax over the k chosen: Mixtral's rule, and Qwen3's with norm_topk_prob);
//                  the slots s = t*k + j sorted by expert, stable: each slot's row in that order, and
//                  the experts used (ascending) with the first row of each. One block: a
//                  thread per token chooses, a thread per expert places its slots in order.
//   moe_gather     each slot's row <- its token's normed hidden row                fp16 -> fp16
//   moe_combine    out[t] = sum_j weight[t][j] * y[row of slot (t, j)]               fp32 -> fp32
// Each is memory-bound; one block per row (add_rmsnorm, rope_qkv) or a grid-stride loop.
#include "tc_compat.h"

#define TC_OPS_THREADS 256

// Sum of v over the block (blockDim.x a multiple of 32, <= 1024): every thread gets it.
TC_DEVICE float tc_block_sum(float v, float* scratch)
{
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_xor_sync(TC_FULL_MASK, v, offset);
    }
    const int warp = threadIdx.x / 32;
    const int lane = threadIdx.x % 32;
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    const int warps = blockDim.x / 32;
    float total = 0.0f;
    for (int w = 0; w < warps; w++) {
        total += scratch[w];
    }
    __syncthreads();   // scratch is reused by the next call
    return total;
}

// One block per row r = first_row + blockIdx.x: h[r] += add[r] (when has_add; add is then another
// buffer than h), then out[blockIdx.x] = rmsnorm(h[r]) * w.
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
add_rmsnorm(__half* __restrict__ out, float* __restrict__ h, const float* __restrict__ add, const __half* __restrict__ w,
            int hidden, float eps, int has_add, long long first_row)
{
    __shared__ float scratch[32];
    const long long row = first_row + blockIdx.x;
    float* hr = h + row * hidden;
    const float* ar = has_add ? add + row * hidden : nullptr;
    float squares = 0.0f;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
        float x = hr[i];
        if (ar != nullptr) {
            x += ar[i];
            hr[i] = x;
        }
        squares += x * x;
    }
    const float inv = 1.0f / sqrtf(tc_block_sum(squares, scratch) / static_cast<float>(hidden) + eps);
    __half* orow = out + static_cast<long long>(blockIdx.x) * hidden;
    for (int i = threadIdx.x; i < hidden; i += blockDim.x) {
        orow[i] = __float2half_rn(hr[i] * inv * __half2float(w[i]));
    }
}

// Rotary embedding as Hugging Face's Llama applies it (rotate_half): dimension i < D/2 pairs with
// i + D/2, at the angle pos * theta^(-2i/D), computed in fp32 as HF does (no long-context rope
// scaling: it changes the frequencies, not the cost). The angle is reduced to [-pi, pi] first.
TC_DEVICE void tc_rotate(float x1, float x2, int i, int head_dim, int pos, float log2_theta, float* y1, float* y2)
{
    const float inv_freq = exp2f(-2.0f * static_cast<float>(i) / static_cast<float>(head_dim) * log2_theta);
    float angle = static_cast<float>(pos) * inv_freq;
    angle -= 6.283185307179586f * rintf(angle * 0.15915494309189535f);
    float s, c;
    tc_sincos_small(angle, &s, &c);
    *y1 = x1 * c - x2 * s;
    *y2 = x2 * c + x1 * s;
}

// One block per row b, token t = b % tokens of sequence s = b / tokens. qkv: fp32
// [rows x (heads + 2 kv_heads) x D] (q heads, then k, then v). q: fp16 [seqs x heads x tokens x D],
// rotated (tokens 1: [rows x heads x D]). k, v caches: fp16 [seqs x kv_heads x context x D]; the
// row's k (rotated) and v are written at token positions[b].
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
rope_qkv(__half* __restrict__ q, __half* __restrict__ k_cache, __half* __restrict__ v_cache, const float* __restrict__ qkv,
         const int* __restrict__ positions, int heads, int kv_heads, int head_dim, int context, float log2_theta, int tokens)
{
    const int b = blockIdx.x;
    const int s = b / tokens;
    const int t = b % tokens;
    const int pos = positions[b];
    const int half_dim = head_dim / 2;
    const float* row = qkv + static_cast<long long>(b) * (heads + 2 * kv_heads) * head_dim;
    // rotated pairs of q and k heads
    for (int p = threadIdx.x; p < (heads + kv_heads) * half_dim; p += blockDim.x) {
        const int head = p / half_dim;
        const int i = p % half_dim;
        const float* x = row + head * head_dim;
        float y1, y2;
        tc_rotate(x[i], x[i + half_dim], i, head_dim, pos, log2_theta, &y1, &y2);
        __half* dst;
        if (head < heads) {
            dst = q + ((static_cast<long long>(s) * heads + head) * tokens + t) * head_dim;
        } else {
            const int kvh = head - heads;
            dst = k_cache + ((static_cast<long long>(s) * kv_heads + kvh) * context + pos) * head_dim;
        }
        dst[i] = __float2half_rn(y1);
        dst[i + half_dim] = __float2half_rn(y2);
    }
    // v as it is
    const float* v = row + (heads + kv_heads) * head_dim;
    for (int e = threadIdx.x; e < kv_heads * head_dim; e += blockDim.x) {
        const int kvh = e / head_dim;
        const int d = e % head_dim;
        v_cache[((static_cast<long long>(s) * kv_heads + kvh) * context + pos) * head_dim + d] = __float2half_rn(v[e]);
    }
}

// out[s][t][h][d] = in[s][h][t][d]: seqs x heads x tokens x D halves, grid-stride over out.
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
merge_heads(__half* __restrict__ out, const __half* __restrict__ in, int seqs, int heads, int tokens, int head_dim)
{
    const long long n = static_cast<long long>(seqs) * heads * tokens * head_dim;
    for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < n;
         e += static_cast<long long>(blockDim.x) * gridDim.x) {
        const int d = static_cast<int>(e % head_dim);
        const long long rest = e / head_dim;
        const int h = static_cast<int>(rest % heads);
        const long long row = rest / heads;   // s * tokens + t
        const long long s = row / tokens;
        const long long t = row % tokens;
        out[e] = in[((s * heads + h) * tokens + t) * head_dim + d];
    }
}

// gate_up: fp32 [rows x 2F] (the fused product: gate in columns 0..F-1, up in F..2F-1).
// out: fp16 [rows x F] = silu(gate) * up, silu(x) = x / (1 + e^-x).
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
swiglu(__half* __restrict__ out, const float* __restrict__ gate_up, long long rows, int ffn)
{
    const long long n = rows * ffn;
    for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < n;
         e += static_cast<long long>(blockDim.x) * gridDim.x) {
        const long long r = e / ffn;
        const int j = static_cast<int>(e % ffn);
        const float g = gate_up[r * 2 * ffn + j];
        const float u = gate_up[r * 2 * ffn + ffn + j];
        out[e] = __float2half_rn(g / (1.0f + expf(-g)) * u);
    }
}

TC_DEVICE __half tc_convert(float v)
{
    return __float2half_rn(v);
}

TC_DEVICE float tc_convert(__half v)
{
    return __half2float(v);
}

// out[i] = in[i] converted (fp32 -> fp16 rounded to nearest; fp16 -> fp32 exact), grid-stride.
template <typename Out, typename In>
TC_DEVICE void tc_convert_all(Out* __restrict__ out, const In* __restrict__ in, long long n)
{
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<long long>(blockDim.x) * gridDim.x) {
        out[i] = tc_convert(in[i]);
    }
}

extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
to_half(__half* __restrict__ out, const float* __restrict__ in, long long n)
{
    tc_convert_all(out, in, n);
}

extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
to_float(float* __restrict__ out, const __half* __restrict__ in, long long n)
{
    tc_convert_all(out, in, n);
}

// Experts one routing kernel can count: its counters live in shared memory.
#define TC_MOE_MAX_EXPERTS 1024
// Slots' experts staged in shared memory per pass of the stable placing.
#define TC_MOE_ROUTE_TILE 2048

// One block. Per token t (a thread each): the top_k largest logits, ties to the lower expert,
// ranked; their softmax. Then the slots are counted per expert (shared atomics); thread 0 lists
// the experts used in ascending order with their first sorted row (the `slots` = min(experts,
// tokens * top_k) entries past the used ones: expert 0, no rows); and each expert's thread gives
// its slots, in slot order, the expert's next rows: the sort is stable, so every backend orders
// the rows alike. The placing reads the slots' experts from shared memory a tile at a time, every
// expert's thread the whole tile: a 2048-token prompt's 16384 slots of 128 experts cost each
// thread 16384 shared reads, where one thread placing them all waited on 16384 dependent
// read-modify-writes.
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
moe_route(unsigned int* __restrict__ slot_expert, float* __restrict__ slot_weight, unsigned int* __restrict__ slot_row,
          unsigned int* __restrict__ active_experts, unsigned int* __restrict__ active_start, const float* __restrict__ logits,
          int tokens, int experts, int top_k)
{
    __shared__ unsigned int next_row[TC_MOE_MAX_EXPERTS];
    __shared__ unsigned int tile[TC_MOE_ROUTE_TILE];
    for (int t = threadIdx.x; t < tokens; t += blockDim.x) {
        const float* l = logits + static_cast<long long>(t) * experts;
        unsigned int* ids = slot_expert + t * top_k;
        float* w = slot_weight + t * top_k;
        for (int j = 0; j < top_k; j++) {
            int best = -1;
            float best_logit = 0.0f;
            for (int e = 0; e < experts; e++) {
                bool taken = false;
                for (int i = 0; i < j; i++) {
                    taken = taken || ids[i] == static_cast<unsigned int>(e);
                }
                if (!taken && (best < 0 || l[e] > best_logit)) {
                    best = e;
                    best_logit = l[e];
                }
            }
            ids[j] = static_cast<unsigned int>(best);
            w[j] = best_logit;
        }
        const float top = w[0];
        float sum = 0.0f;
        for (int j = 0; j < top_k; j++) {
            w[j] = expf(w[j] - top);
            sum += w[j];
        }
        for (int j = 0; j < top_k; j++) {
            w[j] /= sum;
        }
    }
    const int slots_total = tokens * top_k;
    for (int e = threadIdx.x; e < experts; e += blockDim.x) {
        next_row[e] = 0u;
    }
    __syncthreads();
    for (int s = threadIdx.x; s < slots_total; s += blockDim.x) {
        atomicAdd(&next_row[slot_expert[s]], 1u);
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        const int listed = experts < slots_total ? experts : slots_total;
        unsigned int row = 0u;
        int a = 0;
        for (int e = 0; e < experts; e++) {
            const unsigned int count = next_row[e];
            if (count > 0u) {
                active_experts[a] = static_cast<unsigned int>(e);
                active_start[a] = row;
                a++;
            }
            next_row[e] = row;
            row += count;
        }
        for (; a <= listed; a++) {
            if (a < listed) {
                active_experts[a] = 0u;
            }
            active_start[a] = row;
        }
    }
    for (int first = 0; first < slots_total; first += TC_MOE_ROUTE_TILE) {
        const int n = slots_total - first < TC_MOE_ROUTE_TILE ? slots_total - first : TC_MOE_ROUTE_TILE;
        __syncthreads();   // the first pass: thread 0's rows are set; later ones: the last tile is read
        for (int i = threadIdx.x; i < n; i += blockDim.x) {
            tile[i] = slot_expert[first + i];
        }
        __syncthreads();
        for (int e = threadIdx.x; e < experts; e += blockDim.x) {
            unsigned int row = next_row[e];
            for (int i = 0; i < n; i++) {
                if (tile[i] == static_cast<unsigned int>(e)) {
                    slot_row[first + i] = row++;
                }
            }
            next_row[e] = row;
        }
    }
}

// out[slot_row[s]][c] = x[s / top_k][c]: fp16 rows of `hidden`, grid-stride over tokens * top_k * hidden.
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
moe_gather(__half* __restrict__ out, const __half* __restrict__ x, const unsigned int* __restrict__ slot_row, int tokens, int top_k,
           int hidden)
{
    const long long n = static_cast<long long>(tokens) * top_k * hidden;
    for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < n;
         e += static_cast<long long>(blockDim.x) * gridDim.x) {
        const long long s = e / hidden;
        const int c = static_cast<int>(e % hidden);
        out[static_cast<long long>(slot_row[s]) * hidden + c] = x[(s / top_k) * hidden + c];
    }
}

// out[t][c] = sum over j (in rank order) of slot_weight[t*k + j] * y[slot_row[t*k + j]][c]: fp32,
// grid-stride over tokens * hidden.
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
moe_combine(float* __restrict__ out, const float* __restrict__ y, const float* __restrict__ slot_weight,
            const unsigned int* __restrict__ slot_row, int tokens, int top_k, int hidden)
{
    const long long n = static_cast<long long>(tokens) * hidden;
    for (long long e = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; e < n;
         e += static_cast<long long>(blockDim.x) * gridDim.x) {
        const long long t = e / hidden;
        const int c = static_cast<int>(e % hidden);
        float sum = 0.0f;
        for (int j = 0; j < top_k; j++) {
            const long long s = t * top_k + j;
            sum += slot_weight[s] * y[static_cast<long long>(slot_row[s]) * hidden + c];
        }
        out[e] = sum;
    }
}
