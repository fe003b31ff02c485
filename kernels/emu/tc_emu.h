// tc_emu.h: the SIMT emulation of the CUDA features our kernels use, for a host C++ compile of
// the very .cu files nvcc builds. The threads of a block run as cooperative fibers on one OS
// thread, so __syncthreads and warp shuffles keep CUDA's semantics; blocks run in parallel on a
// pool of OS threads. __shared__ variables are thread_local statics: shared by the fibers of one
// block (one OS thread), private to each OS thread, reused block after block as on a GPU.
#ifndef TC_EMU_H
#define TC_EMU_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static thread_local

struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};

namespace tc_emu {

// The emulated CUDA thread now running on this OS thread.
struct ThreadContext {
    dim3 thread_idx;
    dim3 block_idx;
    dim3 block_dim;
    dim3 grid_dim;
    unsigned int lane;  // linear thread index % 32
    unsigned int warp;  // linear thread index / 32
};

extern thread_local ThreadContext* tc_current;

// Block barrier and warp exchange: implemented by the scheduler in tc_emu_runtime.cpp.
void sync_block();
// Publishes this lane's 8-byte value, waits for every live lane of the warp, and returns the
// value of lane `src_lane` (this lane's own when out of range).
uint64_t warp_exchange(uint64_t mine, int src_lane, unsigned int mask);
// Every live lane's predicate as a bit mask (for votes).
unsigned int warp_ballot(bool predicate, unsigned int mask);

template <typename T>
inline T shfl_with(T value, int src_lane, unsigned int mask)
{
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable<T>::value, "shuffle of a type over 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    uint64_t got = warp_exchange(bits, src_lane, mask);
    T out;
    std::memcpy(&out, &got, sizeof(T));
    return out;
}

// The launch's dynamic shared memory (cuLaunchKernel's sharedMemBytes) of the running block.
void* dynamic_shared();

// Registration of the kernels of each .cu: name -> trampoline unpacking cuLaunchKernel's void** args.
using Trampoline = void (*)(void** args);
struct Registrar {
    Registrar(const char* module, const char* function, Trampoline entry);
};

template <typename... A, std::size_t... I>
inline void call_unpacked(void (*f)(A...), void** args, std::index_sequence<I...>)
{
    f(*static_cast<std::remove_cv_t<std::remove_reference_t<A>>*>(args[I])...);
}

template <typename... A>
inline void call_with_args(void (*f)(A...), void** args)
{
    call_unpacked(f, args, std::index_sequence_for<A...>{});
}

}  // namespace tc_emu

#define threadIdx (::tc_emu::tc_current->thread_idx)
#define blockIdx (::tc_emu::tc_current->block_idx)
#define blockDim (::tc_emu::tc_current->block_dim)
#define gridDim (::tc_emu::tc_current->grid_dim)
#define warpSize 32

inline void __syncthreads() { ::tc_emu::sync_block(); }

template <typename T>
inline T __shfl_sync(unsigned int mask, T v, int src, int width = 32)
{
    const int lane = static_cast<int>(::tc_emu::tc_current->lane);
    const int base = lane - lane % width;
    return ::tc_emu::shfl_with(v, base + (src % width), mask);
}

template <typename T>
inline T __shfl_down_sync(unsigned int mask, T v, unsigned int delta, int width = 32)
{
    const int lane = static_cast<int>(::tc_emu::tc_current->lane);
    const int src = lane % width + static_cast<int>(delta) < width ? lane + static_cast<int>(delta) : lane;
    return ::tc_emu::shfl_with(v, src, mask);
}

template <typename T>
inline T __shfl_up_sync(unsigned int mask, T v, unsigned int delta, int width = 32)
{
    const int lane = static_cast<int>(::tc_emu::tc_current->lane);
    const int src = lane % width >= static_cast<int>(delta) ? lane - static_cast<int>(delta) : lane;
    return ::tc_emu::shfl_with(v, src, mask);
}

template <typename T>
inline T __shfl_xor_sync(unsigned int mask, T v, int lane_mask, int width = 32)
{
    const int lane = static_cast<int>(::tc_emu::tc_current->lane);
    const int src = lane ^ lane_mask;
    return ::tc_emu::shfl_with(v, src / width == lane / width ? src : lane, mask);
}

inline unsigned int __ballot_sync(unsigned int mask, int predicate) { return ::tc_emu::warp_ballot(predicate != 0, mask); }
inline int __any_sync(unsigned int mask, int predicate) { return ::tc_emu::warp_ballot(predicate != 0, mask) != 0u; }
inline int __all_sync(unsigned int mask, int predicate) { return ::tc_emu::warp_ballot(predicate == 0, mask) == 0u; }
inline void __syncwarp(unsigned int mask = 0xffffffffu) { (void) ::tc_emu::warp_ballot(true, mask); }

// Atomics: blocks run on several OS threads at once.
template <typename T>
inline T atomicAdd(T* address, T value)
{
    if constexpr (std::is_floating_point<T>::value) {
        T old;
        __atomic_load(address, &old, __ATOMIC_RELAXED);
        T desired;
        do {
            desired = old + value;
        } while (!__atomic_compare_exchange(address, &old, &desired, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED));
        return old;
    } else {
        return __atomic_fetch_add(address, value, __ATOMIC_SEQ_CST);
    }
}
template <typename T>
inline T atomicMax(T* address, T value)
{
    T old = __atomic_load_n(address, __ATOMIC_RELAXED);
    while (old < value && !__atomic_compare_exchange_n(address, &old, value, false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED)) {
    }
    return old;
}
template <typename T>
inline T atomicCAS(T* address, T compare, T value)
{
    __atomic_compare_exchange_n(address, &compare, value, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    return compare;
}
template <typename T>
inline T atomicExch(T* address, T value)
{
    return __atomic_exchange_n(address, value, __ATOMIC_SEQ_CST);
}
inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

// Registers `function` of `module` (the .cu's base name) for tc_emu_launch.
#define TC_EMU_REGISTER(module, function)                                                            \
    static ::tc_emu::Registrar tc_emu_registrar_##function(                                           \
        #module, #function, [](void** args) { ::tc_emu::call_with_args(&function, args); });

#endif  // TC_EMU_H
