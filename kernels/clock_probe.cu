// clock_probe.cu: measures the SM clock right now (nvbench's throttle check).
// One thread reads %globaltimer (ns) and clock64() (SM cycles), spins for spin_cycles cycles,
// reads both again and writes out[0] = elapsed ns, out[1] = elapsed cycles.
// SM clock in MHz = out[1] / out[0] * 1000. Launch with 1 block of 1 thread.
// On a host compile (emulation) there is no SM clock: it writes zeros.
#include "tc_compat.h"

#ifdef __CUDA_ARCH__
__device__ __forceinline__ unsigned long long tc_globaltimer_ns()
{
    unsigned long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}
#endif

extern "C" __global__ void TC_LAUNCH_BOUNDS(32)
clock_probe(unsigned long long* __restrict__ out, long long spin_cycles)
{
    if (threadIdx.x != 0 || blockIdx.x != 0) {
        return;
    }
#ifdef __CUDA_ARCH__
    const unsigned long long t0 = tc_globaltimer_ns();
    const long long c0 = clock64();
    long long c1 = c0;
    while (c1 - c0 < spin_cycles) {
        c1 = clock64();
    }
    const unsigned long long t1 = tc_globaltimer_ns();
    out[0] = t1 - t0;
    out[1] = static_cast<unsigned long long>(c1 - c0);
#else
    (void) spin_cycles;
    out[0] = 0ull;
    out[1] = 0ull;
#endif
}
