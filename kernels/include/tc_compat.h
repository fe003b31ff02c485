// tc_compat.h: the few CUDA spellings the kernels use beyond the core set, guarded so the same
// .cu file compiles with nvcc and with a host C++ compiler (the emulation backend).
//
// Core set, used bare (an emulation harness must provide them): __global__, __shared__,
// threadIdx, blockIdx, blockDim, gridDim, __syncthreads(), __shfl_*_sync(). Also bare, provided
// on the host by emu/tc_emu.h: __half/__half2 and __nv_bfloat16/__nv_bfloat162 and their
// intrinsics (cuda_fp16.h / cuda_bf16.h names), uint4, uint2, int4, float2, __ldg, __ldcs,
// __byte_perm, __uint_as_float. Everything else goes
// through a TC_ macro or function defined here; inline PTX only here, under __CUDA_ARCH__, with
// a plain C++ equivalent beside it.
#ifndef TC_COMPAT_H
#define TC_COMPAT_H

#include <cstring>

#if defined(__CUDACC__)
#  include <cuda_bf16.h>
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
// the launch's dynamic shared memory (cuLaunchKernel's sharedMemBytes) as an array of T
#  define TC_DYNAMIC_SHARED(T, name) extern __shared__ __align__(16) T name[]
#else
#  include <cmath>
#  define TC_DEVICE inline
#  define TC_HOST_DEVICE
#  define TC_LAUNCH_BOUNDS(threads)
#  define TC_LAUNCH_BOUNDS_MIN(threads, blocks)
#  define TC_FULL_MASK 0xffffffffu
#  define TC_UNROLL _Pragma("GCC unroll 16")
#  define TC_UNROLL_N(n) static_assert((n) > 0, "unroll count");
#  define TC_DYNAMIC_SHARED(T, name) T* const name = static_cast<T*>(::tc_emu::dynamic_shared())
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

// D = A·B + C on tensor cores for one 16x8x16 tile: A (16x16, row) and B (16x8, col) fp16, or
// bf16 when BF16, fp32 C and D, in the PTX ISA's fragment layouts (tc_emu.h documents them).
// sm_80 and newer; the emulation reproduces it from the same layouts.
#define TC_MMA_M16N8K16_ASM(AB)                                                                           \
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32." AB "." AB ".f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, " \
                 "{%8, %9}, {%10, %11, %12, %13};"                                                        \
                 : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])                                         \
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "f"(c[0]), "f"(c[1]), \
                   "f"(c[2]), "f"(c[3]))

// The emulation records where each warp-wide instruction was called (the kernel's line, not this
// file's): lanes that reach it from different places have diverged.
#if defined(TC_EMU_H) && !defined(__CUDA_ARCH__)
#  define TC_EMU_CALLER , const char* file = __builtin_FILE(), int line = __builtin_LINE()
#  define TC_EMU_CALLER_ARGS , file, line
#else
#  define TC_EMU_CALLER
#  define TC_EMU_CALLER_ARGS
#endif

template <bool BF16>
TC_DEVICE void tc_mma_m16n8k16_f32(float (&d)[4], const unsigned int (&a)[4], const unsigned int (&b)[2],
                                   const float (&c)[4] TC_EMU_CALLER)
{
#if defined(__CUDA_ARCH__)
    if constexpr (BF16) {
        TC_MMA_M16N8K16_ASM("bf16");
    } else {
        TC_MMA_M16N8K16_ASM("f16");
    }
#elif defined(TC_EMU_H)
    ::tc_emu::mma_m16n8k16_f32(d, a, b, c, BF16 ? ::tc_emu::bf16_bits_to_float : ::tc_emu::half_bits_to_float, file, line);
#else
    // nvcc's host pass: device code only
    for (int i = 0; i < 4; ++i) {
        d[i] = c[i];
    }
    (void) a;
    (void) b;
#endif
}

TC_DEVICE void tc_mma_m16n8k16_f16f32(float (&d)[4], const unsigned int (&a)[4], const unsigned int (&b)[2],
                                      const float (&c)[4] TC_EMU_CALLER)
{
    tc_mma_m16n8k16_f32<false>(d, a, b, c TC_EMU_CALLER_ARGS);
}

TC_DEVICE void tc_mma_m16n8k16_bf16f32(float (&d)[4], const unsigned int (&a)[4], const unsigned int (&b)[2],
                                       const float (&c)[4] TC_EMU_CALLER)
{
    tc_mma_m16n8k16_f32<true>(d, a, b, c TC_EMU_CALLER_ARGS);
}

// The 16-bit element types of the tensor-core kernels: which mma variant, and how fp32 results
// round to the type (a pair for 4-byte stores and for A fragments built from accumulators).
template <typename T>
struct TcMmaType;

template <>
struct TcMmaType<__half> {
    using Pair = __half2;
    static TC_DEVICE void mma(float (&d)[4], const unsigned int (&a)[4], const unsigned int (&b)[2] TC_EMU_CALLER)
    {
        tc_mma_m16n8k16_f32<false>(d, a, b, d TC_EMU_CALLER_ARGS);
    }
    static TC_DEVICE Pair pair(float lo, float hi) { return __floats2half2_rn(lo, hi); }
    static TC_DEVICE __half one(float v) { return __float2half_rn(v); }
};

template <>
struct TcMmaType<__nv_bfloat16> {
    using Pair = __nv_bfloat162;
    static TC_DEVICE void mma(float (&d)[4], const unsigned int (&a)[4], const unsigned int (&b)[2] TC_EMU_CALLER)
    {
        tc_mma_m16n8k16_f32<true>(d, a, b, d TC_EMU_CALLER_ARGS);
    }
    static TC_DEVICE Pair pair(float lo, float hi) { return __floats2bfloat162_rn(lo, hi); }
    static TC_DEVICE __nv_bfloat16 one(float v) { return __float2bfloat16_rn(v); }
};

// A pair of fp32 values rounded to T, as the 32-bit word an mma fragment holds (low half first).
template <typename T>
TC_DEVICE unsigned int tc_pair_bits(float lo, float hi)
{
    const typename TcMmaType<T>::Pair p = TcMmaType<T>::pair(lo, hi);
    unsigned int u;
    memcpy(&u, &p, sizeof u);
    return u;
}

// ldmatrix.sync.aligned.m8n8.x4.shared.b16: four 8x8 matrices of 16-bit elements from shared
// memory; lane l gives the address of row l % 8 of matrix l / 8 (16 contiguous bytes, 16-byte
// aligned) and receives in r[i] row l / 4 of matrix i, elements 2 (l % 4) and 2 (l % 4) + 1 (low
// half first): exactly an mma A or B fragment when the rows are chosen for it.
TC_DEVICE void tc_ldmatrix_x4(unsigned int (&r)[4], const void* row TC_EMU_CALLER)
{
#if defined(__CUDA_ARCH__)
    const unsigned int s = static_cast<unsigned int>(__cvta_generic_to_shared(row));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s)
                 : "memory");
#elif defined(TC_EMU_H)
    ::tc_emu::ldmatrix_x4(r, row, file, line);
#else
    for (int i = 0; i < 4; ++i) {
        r[i] = 0u;
    }
    (void) row;
#endif
}

// ldmatrix ... .x4.trans: the same four 8x8 matrices, each transposed on the way: lane l receives
// in r[i] column l / 4 of matrix i, rows 2 (l % 4) and 2 (l % 4) + 1. From a row-major [k][n] tile
// that is the mma B fragment (k pairs at n = l / 4) without a transposed copy in memory.
TC_DEVICE void tc_ldmatrix_x4_trans(unsigned int (&r)[4], const void* row TC_EMU_CALLER)
{
#if defined(__CUDA_ARCH__)
    const unsigned int s = static_cast<unsigned int>(__cvta_generic_to_shared(row));
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
                 : "r"(s)
                 : "memory");
#elif defined(TC_EMU_H)
    ::tc_emu::ldmatrix_x4_trans(r, row, file, line);
#else
    for (int i = 0; i < 4; ++i) {
        r[i] = 0u;
    }
    (void) row;
#endif
}

// cp.async.cg.shared.global: 16 bytes from global to shared memory without passing through
// registers (and L1); the first src_bytes (0..16) are copied and the rest zero-filled, so a tile
// past a matrix's edge loads as zeros (src must still be a valid address). Asynchronous on the
// GPU until tc_cp_async_wait; the emulation defers it as well (its destination reads as 0xFF until then).
TC_DEVICE void tc_cp_async_16(void* smem, const void* gmem, int src_bytes)
{
#if defined(__CUDA_ARCH__)
    const unsigned int s = static_cast<unsigned int>(__cvta_generic_to_shared(smem));
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;" ::"r"(s), "l"(gmem), "r"(src_bytes) : "memory");
#elif defined(TC_EMU_H)
    ::tc_emu::cp_async_16(smem, gmem, src_bytes);
#else
    std::memcpy(smem, gmem, static_cast<std::size_t>(src_bytes));
    std::memset(static_cast<char*>(smem) + src_bytes, 0, static_cast<std::size_t>(16 - src_bytes));
#endif
}

// Closes the group of cp.async issued by this thread since the last commit.
TC_DEVICE void tc_cp_async_commit()
{
#if defined(__CUDA_ARCH__)
    asm volatile("cp.async.commit_group;" ::: "memory");
#elif defined(TC_EMU_H)
    ::tc_emu::cp_async_commit();
#endif
}

// Waits until at most N of this thread's committed cp.async groups are still in flight.
template <int N>
TC_DEVICE void tc_cp_async_wait()
{
#if defined(__CUDA_ARCH__)
    asm volatile("cp.async.wait_group %0;" ::"n"(N) : "memory");
#elif defined(TC_EMU_H)
    ::tc_emu::cp_async_wait(N);
#endif
}

// sin and cos of x, |x| <= pi: the GPU's fast intrinsics (about 2^-21 absolute error in that range,
// and no slow-path range reduction with its stack frame); the host's libm.
TC_DEVICE void tc_sincos_small(float x, float* s, float* c)
{
#if defined(__CUDA_ARCH__)
    *s = __sinf(x);
    *c = __cosf(x);
#else
    *s = std::sin(x);
    *c = std::cos(x);
#endif
}

#endif  // TC_COMPAT_H
