// memory_stream.cu: STREAM-style kernels that measure the DRAM bandwidth ceiling.
// Java twin: io.tokencost.kernels.memorystream.MemoryStream (reference), launched by
// io.tokencost.kernels.memorystream.CudaMemoryStream. Bytes moved per element (fp32):
//   stream_copy 8 (read 4 + write 4), stream_read 4, stream_write 4, stream_triad 12.
//
// Every kernel is a grid-stride loop of 16-byte float4 accesses over the first n/4*4 elements,
// then a scalar tail (< 4 elements). Indices are 64-bit: n may exceed 2^31. Pointers that are
// not 16-byte aligned (a sub-buffer) take the scalar path for the whole range. Any grid and any
// block size that is a multiple of 32 (<= 1024) is correct; the host uses 256 threads.
#include "tc_compat.h"

#define TC_STREAM_THREADS 256

// True when every pointer is 16-byte aligned (uniform across the grid: no divergence).
TC_DEVICE bool tc_aligned16(const void* a, const void* b, const void* c)
{
    return ((reinterpret_cast<unsigned long long>(a) | reinterpret_cast<unsigned long long>(b)
             | reinterpret_cast<unsigned long long>(c)) & 15ull) == 0ull;
}

TC_DEVICE long long tc_thread_index()
{
    return static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
}

TC_DEVICE long long tc_thread_count()
{
    return static_cast<long long>(blockDim.x) * gridDim.x;
}

// First element of the scalar tail: n rounded down to a multiple of 4, or 0 when unaligned.
TC_DEVICE long long tc_vector_end(long long n, bool aligned)
{
    return aligned ? (n & ~3ll) : 0ll;
}

// dst[i] = src[i]
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_STREAM_THREADS)
stream_copy(float* __restrict__ dst, const float* __restrict__ src, long long n)
{
    const long long first = tc_thread_index();
    const long long stride = tc_thread_count();
    const long long vend = tc_vector_end(n, tc_aligned16(dst, src, src));
    float4* __restrict__ d4 = reinterpret_cast<float4*>(dst);
    const float4* __restrict__ s4 = reinterpret_cast<const float4*>(src);
    for (long long i = first; i < vend / 4; i += stride) {
        d4[i] = s4[i];
    }
    for (long long i = vend + first; i < n; i += stride) {
        dst[i] = src[i];
    }
}

// partials[blockIdx.x] = sum of the elements this block visited (gridDim.x partials in all).
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_STREAM_THREADS)
stream_read(float* __restrict__ partials, const float* __restrict__ src, long long n)
{
    __shared__ float warp_sums[32];
    const long long first = tc_thread_index();
    const long long stride = tc_thread_count();
    const long long vend = tc_vector_end(n, tc_aligned16(src, src, src));
    const float4* __restrict__ s4 = reinterpret_cast<const float4*>(src);
    // four independent accumulators: more loads in flight and a shorter rounding chain
    float ax = 0.0f, ay = 0.0f, az = 0.0f, aw = 0.0f;
    for (long long i = first; i < vend / 4; i += stride) {
        const float4 v = s4[i];
        ax += v.x;
        ay += v.y;
        az += v.z;
        aw += v.w;
    }
    for (long long i = vend + first; i < n; i += stride) {
        ax += src[i];
    }
    float sum = (ax + ay) + (az + aw);

    // block reduce: shuffle within each warp, then the first warp reduces the warp sums
    for (int offset = 16; offset > 0; offset >>= 1) {
        sum += __shfl_down_sync(TC_FULL_MASK, sum, offset);
    }
    const unsigned int lane = threadIdx.x & 31u;
    const unsigned int warp = threadIdx.x >> 5;
    const unsigned int warps = (blockDim.x + 31u) >> 5;
    if (lane == 0u) {
        warp_sums[warp] = sum;
    }
    __syncthreads();
    if (warp == 0u) {
        sum = lane < warps ? warp_sums[lane] : 0.0f;
        for (int offset = 16; offset > 0; offset >>= 1) {
            sum += __shfl_down_sync(TC_FULL_MASK, sum, offset);
        }
        if (lane == 0u) {
            partials[blockIdx.x] = sum;
        }
    }
}

// dst[i] = value
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_STREAM_THREADS)
stream_write(float* __restrict__ dst, float value, long long n)
{
    const long long first = tc_thread_index();
    const long long stride = tc_thread_count();
    const long long vend = tc_vector_end(n, tc_aligned16(dst, dst, dst));
    float4* __restrict__ d4 = reinterpret_cast<float4*>(dst);
    float4 v;
    v.x = value;
    v.y = value;
    v.z = value;
    v.w = value;
    for (long long i = first; i < vend / 4; i += stride) {
        d4[i] = v;
    }
    for (long long i = vend + first; i < n; i += stride) {
        dst[i] = value;
    }
}

// a[i] = b[i] + scalar * c[i], one rounding (fma)
extern "C" __global__ void TC_LAUNCH_BOUNDS(TC_STREAM_THREADS)
stream_triad(float* __restrict__ a, const float* __restrict__ b, const float* __restrict__ c,
             float scalar, long long n)
{
    const long long first = tc_thread_index();
    const long long stride = tc_thread_count();
    const long long vend = tc_vector_end(n, tc_aligned16(a, b, c));
    float4* __restrict__ a4 = reinterpret_cast<float4*>(a);
    const float4* __restrict__ b4 = reinterpret_cast<const float4*>(b);
    const float4* __restrict__ c4 = reinterpret_cast<const float4*>(c);
    for (long long i = first; i < vend / 4; i += stride) {
        const float4 bv = b4[i];
        const float4 cv = c4[i];
        float4 r;
        r.x = fmaf(scalar, cv.x, bv.x);
        r.y = fmaf(scalar, cv.y, bv.y);
        r.z = fmaf(scalar, cv.z, bv.z);
        r.w = fmaf(scalar, cv.w, bv.w);
        a4[i] = r;
    }
    for (long long i = vend + first; i < n; i += stride) {
        a[i] = fmaf(scalar, c[i], b[i]);
    }
}
