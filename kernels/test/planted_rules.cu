// planted_rules.cu: test-only kernels, each breaking one rule the hardware enforces and a plain
// CPU run would not notice, to prove the emulation backend catches it (EmuRulesTest). Not part
// of the product: compiled into the emulation library only (kernels/test/). Launch 1 block.
#include "tc_compat.h"

// Each of 32 threads copies 16 bytes (4 floats) of `in` through shared memory by cp.async and
// reads them back; with `wait` 0 before their group is waited for (the bug), else after.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
cp_async_read_before_wait(float* __restrict__ out, const float* __restrict__ in, int wait)
{
    TC_DYNAMIC_SHARED(float, tile);
    const int t = static_cast<int>(threadIdx.x);
    tc_cp_async_16(tile + 4 * t, in + 4 * t, 16);
    tc_cp_async_commit();
    if (wait != 0) {
        tc_cp_async_wait<0>();
    }
    __syncthreads();
    for (int i = 0; i < 4; ++i) {
        out[4 * t + i] = tile[4 * t + i];
    }
}

// cp.async whose destination is a global buffer instead of shared memory.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
cp_async_to_global(float* __restrict__ out, const float* __restrict__ in)
{
    const int t = static_cast<int>(threadIdx.x);
    tc_cp_async_16(out + 4 * t, in + 4 * t, 16);
    tc_cp_async_commit();
    tc_cp_async_wait<0>();
}

// ldmatrix with row addresses 8 bytes past 16-byte alignment.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
ldmatrix_misaligned(unsigned int* __restrict__ out)
{
    TC_DYNAMIC_SHARED(unsigned char, tile);
    const int lane = static_cast<int>(threadIdx.x);
    unsigned int r[4];
    tc_ldmatrix_x4(r, tile + 32 * lane + 8);
    out[lane] = r[0];
}

// mma.sync run by half the warp: lanes 16..31 leave first.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
mma_half_warp(float* __restrict__ out)
{
    const int lane = static_cast<int>(threadIdx.x);
    if (lane >= 16) {
        return;
    }
    const unsigned int a[4] = {0x3c003c00u, 0x3c003c00u, 0x3c003c00u, 0x3c003c00u};
    const unsigned int b[2] = {0x3c003c00u, 0x3c003c00u};
    const float c[4] = {0.f, 0.f, 0.f, 0.f};
    float d[4];
    tc_mma_m16n8k16_f16f32(d, a, b, c);
    out[lane] = d[0];
}

// A shuffle the two halves of the warp reach at different places.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
shuffle_diverged(float* __restrict__ out)
{
    const int lane = static_cast<int>(threadIdx.x);
    float v = static_cast<float>(lane);
    if (lane < 16) {
        v += __shfl_xor_sync(TC_FULL_MASK, v, 1);
    } else {
        v += __shfl_xor_sync(TC_FULL_MASK, v, 2);
    }
    out[lane] = v;
}

// The second warp returns before a __syncthreads the first waits at.
extern "C" __global__ void TC_LAUNCH_BOUNDS(64)
barrier_after_exit(float* __restrict__ out)
{
    const int t = static_cast<int>(threadIdx.x);
    if (t >= 32) {
        return;
    }
    __syncthreads();
    out[t] = 1.0f;
}

// A float4 load from an address 4 bytes past 16-byte alignment: a misaligned-address fault on a GPU.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
float4_misaligned(float* __restrict__ out, const float* __restrict__ in)
{
    const int t = static_cast<int>(threadIdx.x);
    const float4 v = *reinterpret_cast<const float4*>(in + 4 * t + 1);
    out[t] = v.x + v.y + v.z + v.w;
}

// Each thread writes its slot of a __shared__ array and reads its neighbour's with no
// __syncthreads between: a race that only the racecheck library reports (by name), since the
// warp-at-a-time order makes the read see either the old or the new value.
extern "C" __global__ void TC_LAUNCH_BOUNDS(64)
shared_race(float* __restrict__ out)
{
    __shared__ float slots[64];
    const int t = static_cast<int>(threadIdx.x);
    slots[t] = static_cast<float>(t);
    out[t] = slots[(t + 32) % 64];
}

// Not a race: the lanes of a warp read a __shared__ value, a shuffle orders them, then lane 0
// rewrites it (the warp-synchronous update attention_decode's softmax makes). One warp.
extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
warp_ordered_update(float* __restrict__ out)
{
    __shared__ float running;
    const int lane = static_cast<int>(threadIdx.x);
    if (lane == 0) {
        running = 1.0f;
    }
    __syncthreads();
    float v = running + static_cast<float>(lane);
    v += __shfl_xor_sync(TC_FULL_MASK, v, 1);
    if (lane == 0) {
        running = v;
    }
    __syncthreads();
    out[lane] = running;
}
