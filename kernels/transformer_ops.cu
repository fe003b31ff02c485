// transformer_ops.cu: the small per-token operations of a transformer step around its matrix
// products (qgemv.cu, gemm.cu) and attention (attention_decode.cu): what a full-model decode or
// prefill step launches between them. Java twin: io.tokencost.kernels.TransformerOps (layouts and
// float64 references), launched by io.tokencost.backend.cuda.CudaTransformerOps.
//
// The residual stream h is fp32 [rows x hidden]; what feeds a matrix product is fp16 (qgemv's x);
// what a matrix product returns is fp32 (qgemv's y). So:
//   add_rmsnorm    h += add (optional), out = h / sqrt(mean(h^2) + eps) * w    fp32 -> fp16
//   rope_qkv       the fused qkv product's output: q rotated -> fp16; k rotated and v appended to
//                  the fp16 KV cache at each sequence's position (attention_decode.cu's layout)
//   swiglu         the fused gate/up product's output: silu(gate) * up          fp32 -> fp16
//   to_half        attention's fp32 output -> fp16 for the o projection
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

// One block per row: h[row] += add[row] (when has_add; add is then another buffer than h), then
// out[row] = rmsnorm(h[row]) * w.
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
add_rmsnorm(__half* __restrict__ out, float* __restrict__ h, const float* __restrict__ add, const __half* __restrict__ w,
            int hidden, float eps, int has_add)
{
    __shared__ float scratch[32];
    float* hr = h + static_cast<long long>(blockIdx.x) * hidden;
    const float* ar = has_add ? add + static_cast<long long>(blockIdx.x) * hidden : nullptr;
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

// One block per sequence b. qkv: fp32 [batch x (heads + 2 kv_heads) x D] (q heads, then k, then v).
// q: fp16 [batch x heads x D], rotated. k, v caches: fp16 [batch x kv_heads x context x D]; this
// step's k (rotated) and v are written at token positions[b].
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
rope_qkv(__half* __restrict__ q, __half* __restrict__ k_cache, __half* __restrict__ v_cache, const float* __restrict__ qkv,
         const int* __restrict__ positions, int heads, int kv_heads, int head_dim, int context, float log2_theta)
{
    const int b = blockIdx.x;
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
            dst = q + (static_cast<long long>(b) * heads + head) * head_dim;
        } else {
            const int kvh = head - heads;
            dst = k_cache + ((static_cast<long long>(b) * kv_heads + kvh) * context + pos) * head_dim;
        }
        dst[i] = __float2half_rn(y1);
        dst[i + half_dim] = __float2half_rn(y2);
    }
    // v as it is
    const float* v = row + (heads + kv_heads) * head_dim;
    for (int e = threadIdx.x; e < kv_heads * head_dim; e += blockDim.x) {
        const int kvh = e / head_dim;
        const int d = e % head_dim;
        v_cache[((static_cast<long long>(b) * kv_heads + kvh) * context + pos) * head_dim + d] = __float2half_rn(v[e]);
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

// out[i] = fp16(in[i])
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_OPS_THREADS)
to_half(__half* __restrict__ out, const float* __restrict__ in, long long n)
{
    for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
         i += static_cast<long long>(blockDim.x) * gridDim.x) {
        out[i] = __float2half_rn(in[i]);
    }
}
