// tc_compat.h: the few CUDA spellings the kernels use beyond the core set, guarded so the same
// .cu file compiles with nvcc and with a host C++ compiler (the emulation backend).
//
// Core set, used bare (an emulation harness must provide them): __global__, __shared__,
// threadIdx, blockIdx, blockDim, gridDim, __syncthreads(), __shfl_down_sync(). Everything else
// goes through a TC_ macro defined here.
#ifndef TC_COMPAT_H
#define TC_COMPAT_H

#if defined(__CUDACC__)
#  define TC_DEVICE __device__ __forceinline__
#  define TC_LAUNCH_BOUNDS(threads) __launch_bounds__(threads)
#  define TC_FULL_MASK 0xffffffffu
#else
#  include <cmath>
#  define TC_DEVICE inline
#  define TC_LAUNCH_BOUNDS(threads)
#  define TC_FULL_MASK 0xffffffffu
// CUDA's vector type, with the same size and alignment (16 bytes).
#  ifndef TC_HAVE_FLOAT4
#    define TC_HAVE_FLOAT4
struct alignas(16) float4 {
    float x, y, z, w;
};
#  endif
#endif

#endif  // TC_COMPAT_H
