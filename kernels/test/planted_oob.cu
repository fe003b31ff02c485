// planted_oob.cu: test-only kernels with planted bugs, to prove the emulation backend catches
// them. Not part of the product: compiled into the emulation library only (kernels/test/).
#include "tc_compat.h"

// Writes out[0..n) and then, from the last thread, out[n + past] - an out-of-bounds write.
extern "C" __global__ void TC_LAUNCH_BOUNDS(256)
oob_write(float* __restrict__ out, long long n, long long past)
{
    const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) {
        out[i] = 1.0f;
    }
    if (i == n - 1) {
        out[n + past] = 2.0f;
    }
}

// Thread 0 of each block skips the barrier: a deadlock the emulator must report, not hang on.
extern "C" __global__ void TC_LAUNCH_BOUNDS(256)
divergent_barrier(float* __restrict__ out)
{
    if (threadIdx.x != 0) {
        __syncthreads();
        out[threadIdx.x] = 1.0f;
    } else {
        __shfl_down_sync(TC_FULL_MASK, 1.0f, 1);
    }
}

// Reverses each block's slice through shared memory: barrier semantics or nothing works.
extern "C" __global__ void TC_LAUNCH_BOUNDS(256)
block_reverse(float* __restrict__ out, const float* __restrict__ in)
{
    __shared__ float tile[256];
    const unsigned int t = threadIdx.x;
    const long long base = static_cast<long long>(blockIdx.x) * blockDim.x;
    tile[t] = in[base + t];
    __syncthreads();
    out[base + t] = tile[blockDim.x - 1 - t];
}

// Never returns unless out[0] is 12345: a hung kernel, for the run's watchdog (the read is volatile,
// so the loop is not assumed to end).
extern "C" __global__ void TC_LAUNCH_BOUNDS(256)
spin_forever(float* __restrict__ out)
{
    volatile float* flag = out;
    while (flag[0] != 12345.0f) {
    }
}
