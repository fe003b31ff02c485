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

// D = A·B + C on tensor cores for one 16x8x16 tile: fp16 A (16x16, row) and B (16x8, col), fp32
// C and D, in the PTX ISA's fragment layouts (tc_emu.h documents them). sm_80 and newer; the
// emulation reproduces it from the same layouts.
TC_DEVICE void tc_mma_m16n8k16_f16f32(float (&d)[4], const unsigned int (&a)[4], const unsigned int (&b)[2],
                                      const float (&c)[4])
{
#if defined(__CUDA_ARCH__)
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
                 "{%10, %11, %12, %13};"
                 : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "f"(c[0]), "f"(c[1]), "f"(c[2]),
                   "f"(c[3]));
#elif defined(TC_EMU_H)
    ::tc_emu::mma_m16n8k16_f16f32(d, a, b, c);
#else
    // nvcc's host pass: device code only
    for (int i = 0; i < 4; ++i) {
        d[i] = c[i];
    }
    (void) a;
    (void) b;
#endif
}

#endif  // TC_COMPAT_H
