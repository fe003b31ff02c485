// tc_emu.h: the SIMT emulation of the CUDA features our kernels use, for a host C++ compile of
// the very .cu files nvcc builds. The threads of a block run as cooperative fibers on one OS
// thread, so __syncthreads and warp shuffles keep CUDA's semantics; blocks run in parallel on a
// pool of OS threads. __shared__ variables are thread_local statics: shared by the fibers of one
// block (one OS thread), private to each OS thread, reused block after block as on a GPU.
#ifndef TC_EMU_H
#define TC_EMU_H

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <type_traits>
#include <utility>

// build-emu.sh preprocesses each .cu with TC_EMU_SCAN set and finds the kernels by this keyword
#ifndef TC_EMU_SCAN
#define __global__
#endif
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

// Where a block or warp operation was called: every thread it names must reach the same one (the
// same operation at the same file and line). .aligned instructions (mma, ldmatrix) and
// __syncthreads require it; for shuffles and votes it is stricter than sm_70+, which lets lanes
// meet at different call sites: no kernel here does that.
struct Site {
    const char* op;
    const char* file;
    int line;
};

// Block barrier and warp exchange: implemented by the scheduler in tc_emu_runtime.cpp. A barrier
// some threads of the block do not reach (they exited, or wait elsewhere) fails the launch.
void sync_block(Site site);
// Publishes this lane's 8-byte value, waits for the lanes of `mask` (each must reach the same
// site, or the launch fails), and returns the value of lane `src_lane` (this lane's own when out of range).
uint64_t warp_exchange(uint64_t mine, int src_lane, unsigned int mask, Site site);
// The predicates of the lanes of `mask` as a bit mask (for votes).
unsigned int warp_ballot(bool predicate, unsigned int mask, Site site);
// Publishes `bytes` of this lane, waits for all 32 lanes at the same site (.aligned: all of them),
// and copies every lane's bytes (lane order) to `all`: the basis of warp-wide matrix ops.
void warp_gather(const void* mine, std::size_t bytes, void* all, Site site);

// Stops the launch from inside a kernel: the message, with the kernel, block and thread, is the
// launch's error (tc_emu_last_error).
[[noreturn]] void fail_thread(const char* message);
// Whether [p, p + bytes) lies in shared memory: the block's dynamic shared memory, or a __shared__
// variable (thread-local storage: neither an emulated global buffer nor a thread's stack).
bool in_shared(const void* p, std::size_t bytes);
// Whether [p, p + bytes) lies inside one emulated global buffer.
bool in_global(const void* p, std::size_t bytes);

// The racecheck library's record of a read the compiler does not see (ldmatrix's gathered rows);
// nothing in the plain library.
void note_read(const void* p, std::size_t bytes);

// cp.async as the hardware runs it: a copy lands when its group is waited for (or the thread
// ends); until then its 16 destination bytes read as 0xFF (NaN as fp16 and fp32), so a read
// before the wait shows. Destination shared and source global, both 16-byte aligned.
void cp_async_16(void* smem, const void* gmem, int src_bytes);
void cp_async_commit();
// Lands every committed group but the newest `in_flight`.
void cp_async_wait(int in_flight);

template <typename T>
inline T shfl_with(T value, int src_lane, unsigned int mask, Site site)
{
    static_assert(sizeof(T) <= 8 && std::is_trivially_copyable<T>::value, "shuffle of a type over 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof(T));
    uint64_t got = warp_exchange(bits, src_lane, mask, site);
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

// Each intrinsic records its call site (GCC evaluates __builtin_FILE and __builtin_LINE in a
// default argument where the call is written): lanes at different sites have diverged.
#define TC_EMU_SITE(op) ::tc_emu::Site{op, file, line}
#define TC_EMU_WHERE const char* file = __builtin_FILE(), int line = __builtin_LINE()

inline void __syncthreads(TC_EMU_WHERE) { ::tc_emu::sync_block(TC_EMU_SITE("__syncthreads")); }

template <typename T>
inline T __shfl_sync(unsigned int mask, T v, int src, int width = 32, TC_EMU_WHERE)
{
    const int lane = static_cast<int>(::tc_emu::tc_current->lane);
    const int base = lane - lane % width;
    return ::tc_emu::shfl_with(v, base + (src % width), mask, TC_EMU_SITE("__shfl_sync"));
}

template <typename T>
inline T __shfl_down_sync(unsigned int mask, T v, unsigned int delta, int width = 32, TC_EMU_WHERE)
{
    const int lane = static_cast<int>(::tc_emu::tc_current->lane);
    const int src = lane % width + static_cast<int>(delta) < width ? lane + static_cast<int>(delta) : lane;
    return ::tc_emu::shfl_with(v, src, mask, TC_EMU_SITE("__shfl_down_sync"));
}

template <typename T>
inline T __shfl_up_sync(unsigned int mask, T v, unsigned int delta, int width = 32, TC_EMU_WHERE)
{
    const int lane = static_cast<int>(::tc_emu::tc_current->lane);
    const int src = lane % width >= static_cast<int>(delta) ? lane - static_cast<int>(delta) : lane;
    return ::tc_emu::shfl_with(v, src, mask, TC_EMU_SITE("__shfl_up_sync"));
}

template <typename T>
inline T __shfl_xor_sync(unsigned int mask, T v, int lane_mask, int width = 32, TC_EMU_WHERE)
{
    const int lane = static_cast<int>(::tc_emu::tc_current->lane);
    const int src = lane ^ lane_mask;
    return ::tc_emu::shfl_with(v, src / width == lane / width ? src : lane, mask, TC_EMU_SITE("__shfl_xor_sync"));
}

inline unsigned int __ballot_sync(unsigned int mask, int predicate, TC_EMU_WHERE)
{
    return ::tc_emu::warp_ballot(predicate != 0, mask, TC_EMU_SITE("__ballot_sync"));
}
inline int __any_sync(unsigned int mask, int predicate, TC_EMU_WHERE)
{
    return ::tc_emu::warp_ballot(predicate != 0, mask, TC_EMU_SITE("__any_sync")) != 0u;
}
inline int __all_sync(unsigned int mask, int predicate, TC_EMU_WHERE)
{
    return ::tc_emu::warp_ballot(predicate == 0, mask, TC_EMU_SITE("__all_sync")) == 0u;
}
inline void __syncwarp(unsigned int mask = 0xffffffffu, TC_EMU_WHERE) { (void) ::tc_emu::warp_ballot(true, mask, TC_EMU_SITE("__syncwarp")); }

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

// ---- vector types (CUDA's sizes and alignments) ----
#ifndef TC_HAVE_FLOAT4
#define TC_HAVE_FLOAT4
struct alignas(16) float4 {
    float x, y, z, w;
};
#endif
struct alignas(8) float2 {
    float x, y;
};
struct alignas(16) uint4 {
    unsigned int x, y, z, w;
};
struct alignas(8) uint2 {
    unsigned int x, y;
};
struct alignas(16) int4 {
    int x, y, z, w;
};
struct alignas(8) int2 {
    int x, y;
};
inline uint4 make_uint4(unsigned int x, unsigned int y, unsigned int z, unsigned int w) { return uint4{x, y, z, w}; }
inline float2 make_float2(float x, float y) { return float2{x, y}; }

// ---- loads with cache hints: plain loads on the host ----
template <typename T>
inline T __ldg(const T* p) { return *p; }
template <typename T>
inline T __ldcs(const T* p) { return *p; }
template <typename T>
inline T __ldcg(const T* p) { return *p; }
template <typename T>
inline void __stcs(T* p, T v) { *p = v; }

// ---- bit reinterpretation and byte permutation ----
inline float __uint_as_float(unsigned int u) { float f; std::memcpy(&f, &u, 4); return f; }
inline unsigned int __float_as_uint(float f) { unsigned int u; std::memcpy(&u, &f, 4); return u; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline int __float_as_int(float f) { int i; std::memcpy(&i, &f, 4); return i; }
// Result byte n is byte (s >> 4n) & 7 of the 8-byte value {y, x} (x the low word), as CUDA's.
inline unsigned int __byte_perm(unsigned int x, unsigned int y, unsigned int s)
{
    const uint64_t v = (static_cast<uint64_t>(y) << 32) | x;
    unsigned int r = 0;
    for (int n = 0; n < 4; n++) {
        r |= static_cast<unsigned int>((v >> (8 * ((s >> (4 * n)) & 7u))) & 0xffu) << (8 * n);
    }
    return r;
}
inline unsigned int __funnelshift_r(unsigned int lo, unsigned int hi, unsigned int shift)
{
    const uint64_t v = (static_cast<uint64_t>(hi) << 32) | lo;
    return static_cast<unsigned int>(v >> (shift & 31u));
}
inline unsigned int __funnelshift_l(unsigned int lo, unsigned int hi, unsigned int shift)
{
    const uint64_t v = (static_cast<uint64_t>(hi) << 32) | lo;
    return static_cast<unsigned int>((v << (shift & 31u)) >> 32);
}

// ---- IEEE binary16 on GCC's _Float16 (bit-exact: conversions round to nearest even) ----
// Add, sub and mul round the float result to binary16: a float's 24 bits are >= 2*11+2, so that
// double rounding equals one correct rounding (Figueroa). fma: the product is exact in double, the
// sum rounds to double and then to half (a double rounding only within 2^-53 of a half midpoint).
struct alignas(2) __half {
    _Float16 v;
};
struct alignas(4) __half2 {
    __half x, y;
};
static_assert(sizeof(__half) == 2 && sizeof(__half2) == 4, "half layout");

inline __half __float2half(float f) { return __half{static_cast<_Float16>(f)}; }
inline __half __float2half_rn(float f) { return __float2half(f); }
inline float __half2float(__half h) { return static_cast<float>(h.v); }
inline __half2 __halves2half2(__half lo, __half hi) { return __half2{lo, hi}; }
inline __half2 __floats2half2_rn(float lo, float hi) { return __half2{__float2half(lo), __float2half(hi)}; }
inline __half2 __float2half2_rn(float f) { return __floats2half2_rn(f, f); }
inline float2 __half22float2(__half2 h) { return float2{__half2float(h.x), __half2float(h.y)}; }
inline float __low2float(__half2 h) { return __half2float(h.x); }
inline float __high2float(__half2 h) { return __half2float(h.y); }
inline __half __low2half(__half2 h) { return h.x; }
inline __half __high2half(__half2 h) { return h.y; }
inline unsigned short __half_as_ushort(__half h) { unsigned short u; std::memcpy(&u, &h, 2); return u; }
inline __half __ushort_as_half(unsigned short u) { __half h; std::memcpy(&h, &u, 2); return h; }

namespace tc_emu {
inline __half h_fma(__half a, __half b, __half c)
{
    return __half{static_cast<_Float16>(static_cast<double>(a.v) * static_cast<double>(b.v) + static_cast<double>(c.v))};
}
}  // namespace tc_emu

inline __half __hadd(__half a, __half b) { return __half{static_cast<_Float16>(static_cast<float>(a.v) + static_cast<float>(b.v))}; }
inline __half __hsub(__half a, __half b) { return __half{static_cast<_Float16>(static_cast<float>(a.v) - static_cast<float>(b.v))}; }
inline __half __hmul(__half a, __half b) { return __half{static_cast<_Float16>(static_cast<float>(a.v) * static_cast<float>(b.v))}; }
inline __half __hfma(__half a, __half b, __half c) { return ::tc_emu::h_fma(a, b, c); }
inline __half2 __hadd2(__half2 a, __half2 b) { return __half2{__hadd(a.x, b.x), __hadd(a.y, b.y)}; }
inline __half2 __hsub2(__half2 a, __half2 b) { return __half2{__hsub(a.x, b.x), __hsub(a.y, b.y)}; }
inline __half2 __hmul2(__half2 a, __half2 b) { return __half2{__hmul(a.x, b.x), __hmul(a.y, b.y)}; }
inline __half2 __hfma2(__half2 a, __half2 b, __half2 c) { return __half2{__hfma(a.x, b.x, c.x), __hfma(a.y, b.y, c.y)}; }

// ---- bfloat16 (cuda_bf16.h names): the top 16 bits of a float, rounded to nearest even ----
struct alignas(2) __nv_bfloat16 {
    uint16_t bits;
};
struct alignas(4) __nv_bfloat162 {
    __nv_bfloat16 x, y;
};
static_assert(sizeof(__nv_bfloat16) == 2 && sizeof(__nv_bfloat162) == 4, "bfloat16 layout");

inline float __bfloat162float(__nv_bfloat16 h)
{
    const uint32_t u = static_cast<uint32_t>(h.bits) << 16;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}
inline __nv_bfloat16 __float2bfloat16_rn(float f)
{
    uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) {
        return __nv_bfloat16{static_cast<uint16_t>((u >> 16) | 0x40u)};   // NaN stays a (quiet) NaN
    }
    u += 0x7fffu + ((u >> 16) & 1u);
    return __nv_bfloat16{static_cast<uint16_t>(u >> 16)};
}
inline __nv_bfloat16 __float2bfloat16(float f) { return __float2bfloat16_rn(f); }
inline __nv_bfloat162 __floats2bfloat162_rn(float lo, float hi) { return __nv_bfloat162{__float2bfloat16_rn(lo), __float2bfloat16_rn(hi)}; }

namespace tc_emu {

inline float half_bits_to_float(unsigned int bits16)
{
    const uint16_t h = static_cast<uint16_t>(bits16 & 0xffffu);
    _Float16 f;
    std::memcpy(&f, &h, sizeof f);
    return static_cast<float>(f);
}

inline float bf16_bits_to_float(unsigned int bits16)
{
    const uint32_t u = (bits16 & 0xffffu) << 16;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

// mma.sync.aligned.m16n8k16.row.col.f32.{f16,bf16}.{f16,bf16}.f32 with the fragment layouts of
// the PTX ISA ("Matrix Fragments for mma.m16n8k16 with floating point type"): group = lane >> 2,
// t = lane % 4;
//   A 16x16 (row): a[r] holds elements 2r (low half), 2r+1; element i at row group + 8*((i>>1)&1),
//                  col 2t + (i&1) + 8*(i>>2)
//   B 16x8 (col):  b[r] holds elements 2r, 2r+1; element i at k = 2t + (i&1) + 8*(i>>1), n = group
//   C, D 16x8:     element i at row group + 8*(i>>1), col 2t + (i&1)
// Each lane gathers the warp's fragments and computes its own four outputs in fp32 from the
// elements of A's rows and B's columns they need; `element` decodes one 16-bit input (fp16 or
// bf16: every one is exact in fp32).
inline void mma_m16n8k16_f32(float (&d)[4], const unsigned int (&a)[4], const unsigned int (&b)[2], const float (&c)[4],
                             float (*element)(unsigned int), TC_EMU_WHERE)
{
    struct Fragment {
        unsigned int a[4];
        unsigned int b[2];
    };
    Fragment mine{{a[0], a[1], a[2], a[3]}, {b[0], b[1]}};
    Fragment all[32];
    warp_gather(&mine, sizeof mine, all, TC_EMU_SITE("mma.sync.aligned.m16n8k16"));
    const int lane = static_cast<int>(tc_current->lane);
    const int g = lane >> 2;
    const int t = lane & 3;
    // A[row][k] is element i = (k & 1) | (row >= 8) << 1 | (k >= 8) << 2 of lane (row % 8) * 4 + (k % 8) / 2;
    // B[k][n] is element i = (k & 1) | (k >= 8) << 1 of lane n * 4 + (k % 8) / 2
    for (int i = 0; i < 4; ++i) {
        const int row = g + 8 * (i >> 1);
        const int col = 2 * t + (i & 1);
        float acc = c[i];
        for (int k = 0; k < 16; ++k) {
            const int from = (k & 7) >> 1;
            const int ia = (k & 1) | ((row >> 3) << 1) | ((k >> 3) << 2);
            const int ib = (k & 1) | ((k >> 3) << 1);
            const float av = element(all[(row & 7) * 4 + from].a[ia >> 1] >> (16 * (ia & 1)));
            const float bv = element(all[col * 4 + from].b[ib >> 1] >> (16 * (ib & 1)));
            acc = std::fma(av, bv, acc);
        }
        d[i] = acc;
    }
}

// ldmatrix .x4 (tc_compat.h documents it): lane l receives row l / 4 of matrix i, elements
// 2 (l % 4), 2 (l % 4) + 1, from the row address lane 8 i + l / 4 gave.
// Each lane's row address must be 16-byte aligned and in shared memory, as the hardware requires.
inline void check_ldmatrix_row(const void* row, const char* op)
{
    if (reinterpret_cast<uintptr_t>(row) % 16 != 0) {
        char message[160];
        std::snprintf(message, sizeof message, "%s: row address %p is not 16-byte aligned", op, row);
        fail_thread(message);
    }
    if (!in_shared(row, 16)) {
        char message[160];
        std::snprintf(message, sizeof message, "%s: row address %p is not in shared memory", op, row);
        fail_thread(message);
    }
}

inline void ldmatrix_x4(unsigned int (&r)[4], const void* row, TC_EMU_WHERE)
{
    check_ldmatrix_row(row, "ldmatrix.sync.aligned.m8n8.x4");
    const void* rows[32];
    warp_gather(&row, sizeof row, rows, TC_EMU_SITE("ldmatrix.sync.aligned.m8n8.x4"));
    const unsigned int lane = tc_current->lane;
    for (unsigned int i = 0; i < 4; ++i) {
        const unsigned char* p = static_cast<const unsigned char*>(rows[8 * i + lane / 4]) + 4 * (lane % 4);
        note_read(p, 4);
        std::memcpy(&r[i], p, 4);
    }
}

// ldmatrix .x4.trans: lane l receives column l / 4 of matrix i, rows 2 (l % 4) and 2 (l % 4) + 1
// (the low half first), from the row addresses lanes 8 i .. 8 i + 7 gave.
inline void ldmatrix_x4_trans(unsigned int (&r)[4], const void* row, TC_EMU_WHERE)
{
    check_ldmatrix_row(row, "ldmatrix.sync.aligned.m8n8.x4.trans");
    const void* rows[32];
    warp_gather(&row, sizeof row, rows, TC_EMU_SITE("ldmatrix.sync.aligned.m8n8.x4.trans"));
    const unsigned int lane = tc_current->lane;
    for (unsigned int i = 0; i < 4; ++i) {
        uint16_t lo;
        uint16_t hi;
        const unsigned char* plo = static_cast<const unsigned char*>(rows[8 * i + 2 * (lane % 4)]) + 2 * (lane / 4);
        const unsigned char* phi = static_cast<const unsigned char*>(rows[8 * i + 2 * (lane % 4) + 1]) + 2 * (lane / 4);
        note_read(plo, 2);
        note_read(phi, 2);
        std::memcpy(&lo, plo, 2);
        std::memcpy(&hi, phi, 2);
        r[i] = static_cast<unsigned int>(lo) | (static_cast<unsigned int>(hi) << 16);
    }
}

}  // namespace tc_emu

// Registers `function` of `module` (the .cu's base name) for tc_emu_launch.
#define TC_EMU_REGISTER(module, function)                                                            \
    static ::tc_emu::Registrar tc_emu_registrar_##function(                                           \
        #module, #function, [](void** args) { ::tc_emu::call_with_args(&function, args); });

#endif  // TC_EMU_H
