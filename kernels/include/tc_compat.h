// tc_compat.h: the few CUDA spellings the kernels use beyond the core set, guarded so the same
// .cu file compiles with nvcc and with a host C++ compiler (the emulation backend).
//
// Core set, used bare (an emulation harness must provide them): __global__, __shared__,
// threadIdx, blockIdx, blockDim, gridDim, __syncthreads(), __shfl_*_sync(). Also bare, provided
// on the host by emu/tc_emu.h: __half/__half2 and their intrinsics (cuda_fp16.h names), uint4,
// uint2, int4, float2, __ldg, __ldcs, __byte_perm, __uint_as_float. Everything else goes
// through a TC_ macro or function defined here; inline PTX only here, under __CUDA_ARCH__, with
// a plain C++ equivalent beside it.
#ifndef TC_COMPAT_H
#define TC_COMPAT_H

#if defined(__CUDACC__)
#  include <cuda_fp16.h>
#  define TC_DEVICE __device__ __forceinline__
#  define TC_HOST_DEVICE __host__ __device__
#  define TC_LAUNCH_BOUNDS(threads) __launch_bounds__(threads)
#  define TC_LAUNCH_BOUNDS_MIN(threads, blocks) __launch_bounds__(threads, blocks)
#  define TC_FULL_MASK 0xffffffffu
#  define TC_UNROLL _Pragma("unroll")
#  define TC_PRAGMA(x) _Pragma(#x)
// unroll by a constant expression (template-dependent allowed); the host compiler decides alone
#  define TC_UNROLL_N(n) TC_PRAGMA(unroll n)
#else
#  include <cmath>
#  include <cstring>
#  define TC_DEVICE inline
#  define TC_HOST_DEVICE
#  define TC_LAUNCH_BOUNDS(threads)
#  define TC_LAUNCH_BOUNDS_MIN(threads, blocks)
#  define TC_FULL_MASK 0xffffffffu
#  define TC_UNROLL _Pragma("GCC unroll 16")
#  define TC_UNROLL_N(n) static_assert((n) > 0, "unroll count");
// CUDA's vector type, with the same size and alignment (16 bytes).
#  ifndef TC_HAVE_FLOAT4
#    define TC_HAVE_FLOAT4
struct alignas(16) float4 {
    float x, y, z, w;
};
#  endif
#endif

// lop3.b32: any function of three words, given by its truth table LUT = f(0xF0, 0xCC, 0xAA)
// (e.g. 0xEA = (a & b) | c). One instruction on the GPU; the minterm expansion on the host.
template <unsigned int LUT>
TC_DEVICE unsigned int tc_lop3(unsigned int a, unsigned int b, unsigned int c)
{
#if defined(__CUDA_ARCH__)
    unsigned int r;
    asm("lop3.b32 %0, %1, %2, %3, %4;" : "=r"(r) : "r"(a), "r"(b), "r"(c), "n"(LUT));
    return r;
#else
    unsigned int r = 0u;
    for (unsigned int i = 0u; i < 8u; i++) {
        if ((LUT >> i) & 1u) {
            r |= ((i & 4u) ? a : ~a) & ((i & 2u) ? b : ~b) & ((i & 1u) ? c : ~c);
        }
    }
    return r;
#endif
}

#endif  // TC_COMPAT_H
