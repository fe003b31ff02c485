// A kernel whose PTX needs ISA 7.4 (the .L1::evict_first load modifier): build-kernels.sh must
// raise its compatibility PTX to 7.4, and fail when the ceiling is below that. Test input only.
extern "C" __global__ void __launch_bounds__(32) evict_first_copy(float* __restrict__ out, const float* __restrict__ in)
{
    float v;
#ifdef __CUDA_ARCH__
    asm volatile("ld.global.L1::evict_first.f32 %0, [%1];" : "=f"(v) : "l"(in + threadIdx.x));
#else
    v = in[threadIdx.x];
#endif
    out[threadIdx.x] = v;
}
