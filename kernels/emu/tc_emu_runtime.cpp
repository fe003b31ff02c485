// tc_emu_runtime.cpp: runs kernels compiled for the host with tc_emu.h, the way cuLaunchKernel
// runs them on a GPU. Blocks are spread over a pool of OS threads; the threads of a block are
// fibers scheduled cooperatively: a fiber runs until it reaches __syncthreads or a warp
// exchange, and a barrier opens when every live thread of the block (or warp) has reached it.
// Buffers come from tc_emu_alloc with PROT_NONE guard pages around them and canary bytes in the
// alignment slack, so an out-of-bounds access fails the launch with a message instead of
// corrupting memory. A SIGSEGV inside a kernel is caught here; any other goes to the JVM's handler.
#include "tc_emu.h"

#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <dlfcn.h>
#include <link.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

namespace tc_emu {

thread_local ThreadContext* tc_current = nullptr;

namespace {

constexpr std::size_t kFiberStack = 128 * 1024;
constexpr std::size_t kAlign = 256;  // cuMemAlloc aligns to at least 256 bytes
// 0xFF: NaN as F32 and F16, so an out-of-bounds READ of the slack poisons the result too
constexpr unsigned char kCanary = 0xFF;

// ---------------------------------------------------------------- kernel registry
struct Kernel {
    std::string module;
    std::string function;
    Trampoline entry;
};

std::vector<Kernel>& registry()
{
    static std::vector<Kernel> kernels;
    return kernels;
}

// ---------------------------------------------------------------- guarded allocations
struct Allocation {
    char* base;         // first guard page
    std::size_t total;  // mapping length
    char* start;        // what the caller gets
    std::size_t bytes;
    char* usable_begin;  // after the lower guard
    char* usable_end;    // before the upper guard
};

std::mutex alloc_mutex;
std::map<char*, Allocation> allocations;  // by start
std::atomic<unsigned long> allocations_changed{0};

// The emulated buffer holding [p, p + bytes), as [start, end); {nullptr, nullptr} when none does.
// cp.async asks for every 16 bytes it copies: the last buffer found is remembered per thread.
std::pair<const char*, const char*> global_range(const char* p, std::size_t bytes)
{
    thread_local const char* start = nullptr;
    thread_local const char* end = nullptr;
    thread_local unsigned long seen = ~0ul;
    const unsigned long now = allocations_changed.load(std::memory_order_acquire);
    if (seen != now || p < start || p + bytes > end) {
        std::lock_guard<std::mutex> lock(alloc_mutex);
        start = end = nullptr;
        auto it = allocations.upper_bound(const_cast<char*>(p));
        if (it != allocations.begin()) {
            --it;
            if (p >= it->second.start && p + bytes <= it->second.start + it->second.bytes) {
                start = it->second.start;
                end = it->second.start + it->second.bytes;
            }
        }
        seen = now;
    }
    return p >= start && p + bytes <= end && start != nullptr ? std::make_pair(start, end) : std::make_pair(nullptr, nullptr);
}

std::size_t page_size()
{
    static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    return page;
}

std::string describe_address(const char* addr)
{
    std::lock_guard<std::mutex> lock(alloc_mutex);
    for (const auto& [start, a] : allocations) {
        if (addr >= a.base && addr < a.base + a.total) {
            char msg[256];
            if (addr >= a.start + a.bytes) {
                std::snprintf(msg, sizeof msg, "%zu bytes past the end of a %zu-byte buffer", static_cast<std::size_t>(addr - (a.start + a.bytes)), a.bytes);
            } else {
                std::snprintf(msg, sizeof msg, "%zu bytes before the start of a %zu-byte buffer", static_cast<std::size_t>(a.start - addr), a.bytes);
            }
            return msg;
        }
    }
    return "outside every emulated buffer";
}

// Canary bytes in the slack between the usable pages and the buffer: a write there is out of bounds.
std::string check_canaries()
{
    std::lock_guard<std::mutex> lock(alloc_mutex);
    for (const auto& [start, a] : allocations) {
        // a damaged canary is reported once and restored: later launches are judged on their own
        for (char* p = a.usable_begin; p < a.start; ++p) {
            if (static_cast<unsigned char>(*p) != kCanary) {
                char msg[256];
                std::snprintf(msg, sizeof msg, "out-of-bounds write %zu bytes before the start of a %zu-byte buffer", static_cast<std::size_t>(a.start - p), a.bytes);
                std::memset(a.usable_begin, kCanary, static_cast<std::size_t>(a.start - a.usable_begin));
                return msg;
            }
        }
        for (char* p = a.start + a.bytes; p < a.usable_end; ++p) {
            if (static_cast<unsigned char>(*p) != kCanary) {
                char msg[256];
                std::snprintf(msg, sizeof msg, "out-of-bounds write %zu bytes past the end of a %zu-byte buffer", static_cast<std::size_t>(p - (a.start + a.bytes)), a.bytes);
                std::memset(a.start + a.bytes, kCanary, static_cast<std::size_t>(a.usable_end - (a.start + a.bytes)));
                return msg;
            }
        }
    }
    return "";
}

// ---------------------------------------------------------------- faults inside kernels
// Fiber stacks come from one reserved address range, so the signal handler decides "a kernel
// faulted" from the interrupted stack pointer alone: it must not touch thread_local storage first
// (it runs for every SIGSEGV of every JVM thread, and general-dynamic TLS of a dlopen'd library
// may allocate on first touch; initial-exec TLS does not fit glibc's reserve next to the JVM).
// The TLS below is touched only on threads that run kernels, which touched it before.
constexpr std::size_t kStackRegion = std::size_t(8) << 30;   // 65536 fiber stacks, reserved, not committed
char* stack_region = nullptr;
std::atomic<std::size_t> stack_region_used{0};
std::mutex stack_mutex;
std::vector<char*> free_stacks;

char* take_stack()
{
    std::lock_guard<std::mutex> lock(stack_mutex);
    if (!free_stacks.empty()) {
        char* s = free_stacks.back();
        free_stacks.pop_back();
        return s;
    }
    if (stack_region == nullptr) {
        void* r = mmap(nullptr, kStackRegion, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (r == MAP_FAILED) {
            std::perror("tc_emu: fiber stack region");
            std::abort();
        }
        stack_region = static_cast<char*>(r);
    }
    const std::size_t at = stack_region_used.fetch_add(kFiberStack);
    if (at + kFiberStack > kStackRegion) {
        std::fprintf(stderr, "tc_emu: out of fiber stacks\n");
        std::abort();
    }
    char* s = stack_region + at;
    if (mprotect(s, kFiberStack, PROT_READ | PROT_WRITE) != 0) {
        std::perror("tc_emu: fiber stack");
        std::abort();
    }
    return s;
}

void give_back_stack(char* s)
{
    std::lock_guard<std::mutex> lock(stack_mutex);
    free_stacks.push_back(s);
}

bool on_fiber_stack(const void* uc)
{
#if defined(__x86_64__)
    const auto sp = static_cast<uintptr_t>(static_cast<const ucontext_t*>(uc)->uc_mcontext.gregs[REG_RSP]);
#elif defined(__aarch64__)
    const auto sp = static_cast<uintptr_t>(static_cast<const ucontext_t*>(uc)->uc_mcontext.sp);
#else
#error "tc_emu: no stack pointer in ucontext for this architecture"
#endif
    const auto lo = reinterpret_cast<uintptr_t>(stack_region);
    return stack_region != nullptr && sp >= lo && sp < lo + stack_region_used.load();
}

thread_local sigjmp_buf fault_jump;
thread_local const char* fault_address = nullptr;
struct sigaction previous_segv;
struct sigaction previous_bus;
std::once_flag handlers_once;

void forward(int sig, siginfo_t* info, void* uc, const struct sigaction& previous)
{
    if (previous.sa_flags & SA_SIGINFO) {
        previous.sa_sigaction(sig, info, uc);
    } else if (previous.sa_handler == SIG_DFL) {
        signal(sig, SIG_DFL);
        raise(sig);
    } else if (previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
    }
}

void on_fault(int sig, siginfo_t* info, void* uc)
{
    if (on_fiber_stack(uc)) {
        fault_address = static_cast<const char*>(info->si_addr);
        siglongjmp(fault_jump, 1);
    }
    // not ours (the JVM uses SIGSEGV for safepoints and null checks): chain to its handler
    forward(sig, info, uc, sig == SIGBUS ? previous_bus : previous_segv);
}

void install_handlers()
{
    struct sigaction sa {};
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &previous_segv);
    sigaction(SIGBUS, &sa, &previous_bus);
}

// ---------------------------------------------------------------- the fiber switch
// glibc's swapcontext saves and restores the signal mask, a system call per switch, and a block of
// 256 fibers switches twice per fiber at every barrier and warp shuffle: most of an emulated
// launch went to the kernel. Fibers switch here on the System V x86-64 ABI's callee-saved state
// alone (rbp, rbx, r12-r15, the SSE and x87 control words); the compiler saves the rest around
// the call. tc_emu_switch(&save, load): pushes that state, stores rsp in save, pops it from load.
#if !defined(__x86_64__)
#error "tc_emu: the fiber switch is written for x86-64 (build-emu.sh builds linux-x86-64 only)"
#endif
extern "C" void tc_emu_switch(void** save_sp, void* load_sp);
asm(R"(
    .pushsection .text
    .p2align 4
    .globl tc_emu_switch
    .hidden tc_emu_switch
    .type tc_emu_switch, @function
tc_emu_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size tc_emu_switch, .-tc_emu_switch
    .popsection
)");

// A fresh fiber's saved stack: what tc_emu_switch pops (this thread's control words, zeroed
// registers) and then returns into entry, with rsp as a call would leave it (8 mod 16).
void* fresh_fiber_stack(char* stack, void (*entry)())
{
    auto* top = reinterpret_cast<uint64_t*>(reinterpret_cast<uintptr_t>(stack + kFiberStack) & ~uintptr_t(15));
    top[-1] = 0;  // entry's return address: entry never returns
    top[-2] = reinterpret_cast<uint64_t>(entry);
    for (int i = 3; i <= 8; ++i) {
        top[-i] = 0;  // rbp rbx r12 r13 r14 r15
    }
    uint32_t mxcsr;
    uint16_t fpcw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpcw));
    std::memcpy(&top[-9], &mxcsr, sizeof mxcsr);
    std::memcpy(reinterpret_cast<char*>(&top[-9]) + 4, &fpcw, sizeof fpcw);
    return &top[-9];
}

// ---------------------------------------------------------------- the block scheduler
enum class State { Ready, BlockBarrier, WarpBarrier, Done };

// A cp.async issued and not yet landed: its group is the commit that closes it.
struct PendingCopy {
    char* dst;
    const char* src;
    int bytes;
    unsigned long group;
};

struct Fiber {
    void* sp = nullptr;  // saved by tc_emu_switch while the fiber is not running
    ThreadContext thread;
    State state = State::Ready;
    Site site{"", "", 0};        // the barrier or warp operation it waits at
    unsigned int mask = 0;       // the lanes that operation names
    std::vector<PendingCopy> copies;
    unsigned long committed = 0;  // cp.async groups committed so far
    uint64_t exchange = 0;  // value published for a warp exchange
    int source_lane = 0;
    bool predicate = false;
    bool is_ballot = false;
    // warp gather: this lane's bytes to publish, and where every lane's bytes go (lane order)
    const void* gather_src = nullptr;
    void* gather_dst = nullptr;
    std::size_t gather_bytes = 0;
    uint64_t result = 0;
    char* stack = nullptr;
};

struct Launch {
    std::string name;  // module/function
    bool descending;   // the order warps run in (BlockRunner::run)
    Trampoline entry;
    void** args;
    dim3 grid;
    dim3 block;
    unsigned int shared_bytes;
    std::atomic<unsigned long long> next_block{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::string error;

    void fail(const std::string& message)
    {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!failed.exchange(true)) {
            error = message;
        }
    }
};

// Lands a thread's cp.async copies of every committed group but the newest `in_flight` (all of
// them, committed or not, when `everything`): 16 bytes each, the source's first `bytes`, then zeros.
void note_write(const void* p, std::size_t n, const ThreadContext& t);

void land_copies(Fiber& f, unsigned long in_flight, bool everything)
{
    std::size_t kept = 0;
    for (const PendingCopy& c : f.copies) {
        if (everything || c.group + in_flight < f.committed) {
            note_write(c.dst, 16, f.thread);
            std::memcpy(c.dst, c.src, static_cast<std::size_t>(c.bytes));
            std::memset(c.dst + c.bytes, 0, static_cast<std::size_t>(16 - c.bytes));
        } else {
            f.copies[kept++] = c;
        }
    }
    f.copies.resize(kept);
}

// The message of a kernel thread that stopped its launch (fail_thread), for run_blocks.
thread_local std::string thread_failure;

class BlockRunner {
public:
    ~BlockRunner()
    {
        for (Fiber& f : fibers_) {
            if (f.stack != nullptr) {
                give_back_stack(f.stack);
            }
        }
    }

    // Runs one block to completion; returns an error message, empty on success.
    std::string run(Launch& launch, dim3 block_idx)
    {
        const unsigned int threads = launch.block.x * launch.block.y * launch.block.z;
        prepare(threads);
        launch_ = &launch;
        shared_.assign(launch.shared_bytes, 0);
        if (!tls_searched_) {
            tls_searched_ = true;
            find_thread_local_block();
        }
        active_threads_ = threads;
        warp_syncs_.assign((threads + 31) / 32, 0);
        for (unsigned int t = 0; t < threads; ++t) {
            Fiber& f = fibers_[t];
            f.state = State::Ready;
            f.thread.block_idx = block_idx;
            f.thread.block_dim = launch.block;
            f.thread.grid_dim = launch.grid;
            f.thread.thread_idx.x = t % launch.block.x;
            f.thread.thread_idx.y = (t / launch.block.x) % launch.block.y;
            f.thread.thread_idx.z = t / (launch.block.x * launch.block.y);
            f.thread.lane = t % 32;
            f.thread.warp = t / 32;
            // a fiber abandoned by a failed launch may have stopped inside an operation
            f.gather_dst = nullptr;
            f.is_ballot = false;
            f.copies.clear();
            f.committed = 0;
            f.sp = fresh_fiber_stack(f.stack, &BlockRunner::fiber_main);
        }
        if (racecheck()) {
            if (tls_begin_ == nullptr) {
                return where(block_idx) + "racecheck: this library's thread-local block, where __shared__ variables live, was not found";
            }
            if (race_dynamic_.size() < shared_.size()) {
                race_dynamic_.resize(shared_.size());
            }
            new_interval(Site{"", "", 0});
        }
        // A warp at a time, as far as it goes before a __syncthreads: each warp's shared-memory
        // reads and writes meet the other warps' of the same barrier interval all done, or none
        // (warps ascending in even launches, descending in odd ones), where a lockstep schedule
        // would hide a missing barrier.
        const unsigned int warps = (threads + 31) / 32;
        for (;;) {
            bool ran = false;
            for (unsigned int i = 0; i < warps; ++i) {
                const unsigned int base = 32 * (launch.descending ? warps - 1 - i : i);
                const unsigned int end = std::min(threads, base + 32);
                for (;;) {
                    bool ran_warp = false;
                    for (unsigned int t = base; t < end; ++t) {
                        if (fibers_[t].state == State::Ready) {
                            ran_warp = true;
                            running_ = &fibers_[t];
                            tc_current = &running_->thread;
                            tc_emu_switch(&scheduler_sp_, running_->sp);
                        }
                    }
                    tc_current = nullptr;
                    ran |= ran_warp;
                    std::string error;
                    const bool released = release_warp(base, end, error);
                    if (!error.empty()) {
                        return where(block_idx) + error;
                    }
                    if (!released) {
                        break;
                    }
                }
            }
            if (all_done(threads)) {
                return "";
            }
            std::string error;
            const bool released = release_block(threads, error);
            if (!error.empty()) {
                return where(block_idx) + error;
            }
            if (released) {
                continue;
            }
            if (!ran) {
                return where(block_idx) + "deadlock: threads wait at different barriers (" + waiting(threads) + ")";
            }
        }
    }

    // "kernel m/f, block (x,y,z): ", the start of a launch's error
    std::string where(dim3 block_idx) const
    {
        char text[256];
        std::snprintf(text, sizeof text, "kernel %s, block (%u,%u,%u): ", launch_->name.c_str(), block_idx.x, block_idx.y, block_idx.z);
        return text;
    }

    const Launch& launch() const { return *launch_; }
    std::size_t shared_bytes() const { return shared_.size(); }

    static BlockRunner& current()
    {
        static thread_local BlockRunner runner;
        return runner;
    }

    Fiber& running() { return *running_; }
    void yield() { tc_emu_switch(&running_->sp, scheduler_sp_); tc_current = &running_->thread; }
    void* shared() { return shared_.empty() ? nullptr : shared_.data(); }

private:
    [[noreturn]] static void fiber_main()
    {
        BlockRunner& self = current();
        self.launch_->entry(self.launch_->args);
        // copies still in flight when a thread ends land all the same (no one may read them first)
        land_copies(*self.running_, 0, true);
        self.running_->state = State::Done;
        tc_emu_switch(&self.running_->sp, self.scheduler_sp_);
        std::abort();  // a finished fiber is never switched to again
    }

    void prepare(unsigned int threads)
    {
        if (fibers_.size() < threads) {
            fibers_.resize(threads);
        }
        for (unsigned int t = 0; t < threads; ++t) {
            if (fibers_[t].stack == nullptr) {
                fibers_[t].stack = take_stack();
            }
        }
    }

    bool all_done(unsigned int threads) const
    {
        for (unsigned int t = 0; t < threads; ++t) {
            if (fibers_[t].state != State::Done) {
                return false;
            }
        }
        return true;
    }

    // A warp operation of lanes [base, end) completes when every live lane has reached one. Each waiting
    // lane's mask must name only lanes waiting at the same site: else the warp diverged (or some
    // of its lanes exited), which .sync instructions do not allow; that is `error`.
    bool release_warp(unsigned int base, unsigned int end, std::string& error)
    {
        bool any = false;
        bool all = true;
        for (unsigned int t = base; t < end; ++t) {
            if (fibers_[t].state == State::WarpBarrier) {
                any = true;
            } else if (fibers_[t].state != State::Done) {
                all = false;
            }
        }
        if (!any || !all) {
            return false;
        }
        if (end - base < 32) {
            for (unsigned int t = base; t < end; ++t) {
                if (fibers_[t].state == State::WarpBarrier && fibers_[t].gather_dst != nullptr) {
                    error = "warp " + std::to_string(base / 32) + " has " + std::to_string(end - base) + " threads, but "
                            + site_text(fibers_[t].site) + " needs all 32 lanes of a warp";
                    return false;
                }
            }
        }
        // the usual case first, in one pass: no lane exited, and every lane names the whole
        // warp and waits where the first does; else each lane's mask is checked lane by lane
        bool converged = true;
        const Fiber* first = nullptr;
        for (unsigned int t = base; t < end && converged; ++t) {
            const Fiber& f = fibers_[t];
            if (f.state != State::WarpBarrier || f.mask != 0xffffffffu) {
                converged = false;
            } else if (first == nullptr) {
                first = &f;
            } else {
                converged = same_site(first->site, f.site);
            }
        }
        for (unsigned int t = base; t < end && !converged; ++t) {
            const Fiber& f = fibers_[t];
            if (f.state != State::WarpBarrier) {
                continue;
            }
            std::vector<unsigned int> exited;
            bool diverged = false;
            for (unsigned int l = 0; l < 32 && base + l < end; ++l) {
                const Fiber& o = fibers_[base + l];
                if ((f.mask >> l & 1u) == 0) {
                    continue;
                }
                if (o.state == State::Done) {
                    exited.push_back(l);
                } else if (!same_site(o.site, f.site)) {
                    diverged = true;
                }
            }
            if (diverged) {
                error = "warp " + std::to_string(base / 32) + " diverged: " + sites(base, end, State::WarpBarrier);
                return false;
            }
            if (!exited.empty()) {
                error = "warp " + std::to_string(base / 32) + ": lanes " + lanes(exited) + " exited before " + site_text(f.site)
                        + ", which lane " + std::to_string(t - base) + " waits at with mask " + hex(f.mask);
                return false;
            }
        }
        unsigned int ballot = 0;
        for (unsigned int t = base; t < end; ++t) {
            if (fibers_[t].state == State::WarpBarrier && fibers_[t].predicate) {
                ballot |= 1u << (t - base);
            }
        }
        // every result first, then the wake-ups: a lane must still count as live for the lanes
        // after it that read from it (shfl_up, shfl_xor and shfl from a lower lane)
        for (unsigned int t = base; t < end; ++t) {
            Fiber& f = fibers_[t];
            if (f.state != State::WarpBarrier) {
                continue;
            }
            if (f.gather_dst != nullptr) {
                // every lane's published bytes, lane by lane (all 32 are there: checked above)
                char* dst = static_cast<char*>(f.gather_dst);
                for (unsigned int l = 0; l < 32; ++l) {
                    const unsigned int src = base + l;
                    if (src < end) {
                        std::memcpy(dst + l * f.gather_bytes, fibers_[src].gather_src, f.gather_bytes);
                    } else {
                        std::memset(dst + l * f.gather_bytes, 0, f.gather_bytes);
                    }
                }
            } else if (f.is_ballot) {
                f.result = ballot & f.mask;
            } else {
                const unsigned int src = base + static_cast<unsigned int>(f.source_lane);
                const bool live = f.source_lane >= 0 && src < end && fibers_[src].state == State::WarpBarrier;
                f.result = live ? fibers_[src].exchange : f.exchange;
            }
        }
        for (unsigned int t = base; t < end; ++t) {
            if (fibers_[t].state == State::WarpBarrier) {
                fibers_[t].state = State::Ready;
            }
        }
        if (base / 32 < warp_syncs_.size()) {
            ++warp_syncs_[base / 32];
        }
        return true;
    }

    // __syncthreads opens when every thread of the block waits at the same one; a thread that
    // exited before it, or one waiting at another, is `error` (the hardware may hang or go on).
    bool release_block(unsigned int threads, std::string& error)
    {
        bool any = false;
        std::vector<unsigned int> exited;
        for (unsigned int t = 0; t < threads; ++t) {
            const State s = fibers_[t].state;
            if (s == State::BlockBarrier) {
                any = true;
            } else if (s == State::Done) {
                exited.push_back(t);
            } else {
                return false;
            }
        }
        if (!any) {
            return false;
        }
        const Fiber* first = nullptr;
        for (unsigned int t = 0; t < threads; ++t) {
            if (fibers_[t].state != State::BlockBarrier) {
                continue;
            }
            if (first == nullptr) {
                first = &fibers_[t];
            } else if (!same_site(first->site, fibers_[t].site)) {
                error = "threads wait at different barriers: " + sites(0, threads, State::BlockBarrier);
                return false;
            }
        }
        if (!exited.empty()) {
            error = "threads " + lanes(exited) + " exited before " + site_text(first->site) + ", which the others wait at: a __syncthreads"
                    " that only part of the block reaches";
            return false;
        }
        for (unsigned int t = 0; t < threads; ++t) {
            fibers_[t].state = State::Ready;
        }
        if (racecheck()) {
            new_interval(first->site);
        }
        return true;
    }

    // The lanes of one warp run one kernel's unit: its sites' strings are the same literals.
    static bool same_site(const Site& a, const Site& b)
    {
        return a.line == b.line && a.op == b.op && a.file == b.file;
    }

    static std::string site_text(const Site& s)
    {
        const char* slash = std::strrchr(s.file, '/');
        return std::string(s.op) + " (" + (slash != nullptr ? slash + 1 : s.file) + ":" + std::to_string(s.line) + ")";
    }

    static std::string hex(unsigned int v)
    {
        char text[16];
        std::snprintf(text, sizeof text, "0x%08x", v);
        return text;
    }

    // 0-15, 17, 20-31
    static std::string lanes(const std::vector<unsigned int>& ids)
    {
        std::string out;
        for (std::size_t i = 0; i < ids.size();) {
            std::size_t j = i;
            while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) {
                ++j;
            }
            out += (out.empty() ? "" : ", ") + std::to_string(ids[i]) + (j > i ? "-" + std::to_string(ids[j]) : "");
            i = j + 1;
        }
        return out;
    }

    // "lanes 0-15 at __shfl_xor_sync (gemm.cu:120); lanes 16-31 at ..." for the fibers of [from, to) in `state`
    std::string sites(unsigned int from, unsigned int to, State state) const
    {
        std::vector<std::pair<const Site*, std::vector<unsigned int>>> groups;
        for (unsigned int t = from; t < to; ++t) {
            if (fibers_[t].state != state) {
                continue;
            }
            auto g = groups.begin();
            while (g != groups.end() && !same_site(*g->first, fibers_[t].site)) {
                ++g;
            }
            if (g == groups.end()) {
                groups.push_back({&fibers_[t].site, {}});
                g = groups.end() - 1;
            }
            g->second.push_back(t - from);
        }
        std::string out;
        for (const auto& [site, ids] : groups) {
            out += (out.empty() ? "" : "; ") + std::string(state == State::WarpBarrier ? "lanes " : "threads ") + lanes(ids) + " at " + site_text(*site);
        }
        return out;
    }

    // what every waiting thread waits at, for a deadlock
    std::string waiting(unsigned int threads) const
    {
        std::string block = sites(0, threads, State::BlockBarrier);
        std::string warp = sites(0, threads, State::WarpBarrier);
        return block + (!block.empty() && !warp.empty() ? "; " : "") + warp;
    }

    std::vector<Fiber> fibers_;
    void* scheduler_sp_ = nullptr;
    Fiber* running_ = nullptr;
    Launch* launch_ = nullptr;
    std::vector<unsigned char> shared_;

public:
    // ---- racecheck (libtokencost_emu_racecheck.so: the kernels' units report every access) ----
    // Per byte of shared memory (the block's dynamic shared memory, and this library's thread-local
    // block, where __shared__ variables live): who wrote and who read it in the current barrier
    // interval. A byte one thread writes and another reads or writes in the same interval is a race.
    // Lanes of one warp are ordered by the warp operations between their accesses (shuffles,
    // votes, mma, ldmatrix: every lane has done what came before before any goes on), as warp-
    // synchronous code relies on; threads of different warps only by __syncthreads.
    struct RaceCell {
        unsigned long epoch = 0;
        int writer = -1;
        unsigned long writer_sync = 0;  // its warp's count of warp operations at the write
        int reader = -1;                // -2: several threads
        int reader_warp = -1;           // -2: several warps
        unsigned long reader_sync = 0;  // the readers' warp's count at the latest read
    };

    void note_access(const void* p, std::size_t n, bool write, const ThreadContext& t)
    {
        const char* c = static_cast<const char*>(p);
        RaceCell* cells;
        std::size_t off;
        const char* what;
        const char* dynamic = shared_.empty() ? nullptr : reinterpret_cast<const char*>(shared_.data());
        if (dynamic != nullptr && c >= dynamic && c + n <= dynamic + shared_.size()) {
            cells = race_dynamic_.data();
            off = static_cast<std::size_t>(c - dynamic);
            what = "dynamic shared memory";
        } else if (tls_begin_ != nullptr && c >= tls_begin_ && c + n <= tls_end_) {
            cells = race_tls_.data();
            off = static_cast<std::size_t>(c - tls_begin_);
            what = "a __shared__ variable";
        } else {
            return;
        }
        const int me = static_cast<int>(t.warp * 32 + t.lane);
        const int warp = static_cast<int>(t.warp);
        const unsigned long sync = t.warp < warp_syncs_.size() ? warp_syncs_[t.warp] : 0;
        for (std::size_t i = 0; i < n; ++i) {
            RaceCell& cell = cells[off + i];
            if (cell.epoch != epoch_) {
                cell = RaceCell{};
                cell.epoch = epoch_;
            }
            int other = -1;
            const char* kind = nullptr;
            if (cell.writer >= 0 && cell.writer != me && !(cell.writer / 32 == warp && sync > cell.writer_sync)) {
                other = cell.writer;
                kind = write ? "writes a byte that thread %d wrote" : "reads a byte that thread %d wrote";
            } else if (write && cell.reader != -1 && cell.reader != me
                       && (cell.reader_warp != warp || sync == cell.reader_sync)) {
                other = cell.reader;
                kind = cell.reader == -2 ? "writes a byte that several threads read" : "writes a byte that thread %d read";
            }
            if (kind != nullptr) {
                char did[96];
                std::snprintf(did, sizeof did, kind, other);
                char message[400];
                std::snprintf(message, sizeof message, "shared-memory race: thread %d %s in the same barrier interval (since %s): %s, byte %zu (%p)",
                              me, did, interval_.line == 0 ? "the block's start" : site_text(interval_).c_str(), what, off + i,
                              static_cast<const void*>(c + i));
                fail_thread(message);
            }
            if (write) {
                cell.writer = me;
                cell.writer_sync = sync;
            } else {
                cell.reader = cell.reader == -1 || cell.reader == me ? me : -2;
                cell.reader_warp = cell.reader_warp == -1 || cell.reader_warp == warp ? warp : -2;
                cell.reader_sync = sync;
            }
        }
    }

    // Whether [c, c + n) is shared memory: inside the dynamic shared memory, or inside this
    // library's thread-local block, the home of __shared__ variables.
    bool holds_shared(const char* c, std::size_t n) const
    {
        const char* dynamic = shared_.empty() ? nullptr : reinterpret_cast<const char*>(shared_.data());
        if (dynamic != nullptr && c < dynamic + shared_.size() && c + n > dynamic) {
            return c >= dynamic && c + n <= dynamic + shared_.size();   // overlapping it is not enough
        }
        if (tls_begin_ != nullptr) {
            return c >= tls_begin_ && c + n <= tls_end_;
        }
        // the thread-local block not found: a __shared__ variable is then anything that is neither
        // a global buffer nor a thread's stack
        const auto stacks = reinterpret_cast<uintptr_t>(stack_region);
        const auto at = reinterpret_cast<uintptr_t>(c);
        const bool on_stack = stack_region != nullptr && at >= stacks && at < stacks + stack_region_used.load();
        return c != nullptr && !on_stack && global_range(c, 1).first == nullptr;
    }

    static bool racecheck()
    {
#ifdef TC_EMU_RACECHECK
        return true;
#else
        return false;
#endif
    }

private:
    // a new barrier interval: every cell of the previous ones is stale
    void new_interval(const Site& site)
    {
        ++epoch_;
        interval_ = site;
        // a cp.async still in flight may land in this interval too: its bytes are its thread's write here
        for (unsigned int t = 0; t < active_threads_; ++t) {
            for (const PendingCopy& c : fibers_[t].copies) {
                note_access(c.dst, 16, true, fibers_[t].thread);
            }
        }
    }

    // this library's thread-local block on this OS thread: where its __shared__ variables are
    void find_thread_local_block()
    {
        Dl_info info{};
        if (dladdr(reinterpret_cast<void*>(&tc_emu_launch_marker), &info) == 0 || info.dli_fname == nullptr) {
            return;
        }
        void* handle = dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD);
        void* data = nullptr;
        if (handle == nullptr || dlinfo(handle, RTLD_DI_TLS_DATA, &data) != 0 || data == nullptr) {
            if (handle != nullptr) {
                dlclose(handle);
            }
            return;
        }
        dlclose(handle);
        struct Find {
            const void* base;
            std::size_t size;
        } find{info.dli_fbase, 0};
        dl_iterate_phdr([](dl_phdr_info* phdr, std::size_t, void* arg) {
            Find* f = static_cast<Find*>(arg);
            if (reinterpret_cast<const void*>(phdr->dlpi_addr) != f->base) {
                return 0;
            }
            for (int i = 0; i < phdr->dlpi_phnum; ++i) {
                if (phdr->dlpi_phdr[i].p_type == PT_TLS) {
                    f->size = phdr->dlpi_phdr[i].p_memsz;
                }
            }
            return 1;
        }, &find);
        if (find.size == 0) {
            return;
        }
        tls_begin_ = static_cast<const char*>(data);
        tls_end_ = tls_begin_ + find.size;
        if (racecheck()) {
            race_tls_.assign(find.size, RaceCell{});
        }
    }

    static void tc_emu_launch_marker() {}

    std::vector<RaceCell> race_dynamic_;
    std::vector<RaceCell> race_tls_;
    unsigned int active_threads_ = 0;   // the threads of the block running now
    std::vector<unsigned long> warp_syncs_;   // per warp: the warp operations it completed in this block
    bool tls_searched_ = false;
    const char* tls_begin_ = nullptr;
    const char* tls_end_ = nullptr;
    unsigned long epoch_ = 0;
    Site interval_{"", "", 0};
};

// The racecheck's record of a write the compiler does not see (cp.async's copy into shared memory).
void note_write(const void* p, std::size_t n, const ThreadContext& t)
{
    if (BlockRunner::racecheck()) {
        BlockRunner::current().note_access(p, n, true, t);
    }
}

// "kernel m/f, block (x,y,z), thread (x,y,z): " for the thread running now
std::string where_thread(const Launch& launch, const ThreadContext& t)
{
    char text[256];
    std::snprintf(text, sizeof text, "kernel %s, block (%u,%u,%u), thread (%u,%u,%u): ", launch.name.c_str(), t.block_idx.x, t.block_idx.y,
                  t.block_idx.z, t.thread_idx.x, t.thread_idx.y, t.thread_idx.z);
    return text;
}

void run_blocks(Launch& launch)
{
    const unsigned long long blocks = 1ull * launch.grid.x * launch.grid.y * launch.grid.z;
    BlockRunner& runner = BlockRunner::current();
    if (sigsetjmp(fault_jump, 1) != 0) {
        // a fault or a broken rule inside a kernel thread: the fiber is abandoned, the launch fails
        const std::string who = tc_current != nullptr ? where_thread(launch, *tc_current) : "";
        launch.fail(who + (thread_failure.empty() ? "out-of-bounds access: " + describe_address(fault_address) : thread_failure));
        thread_failure.clear();
        tc_current = nullptr;
        return;
    }
    for (;;) {
        if (launch.failed.load()) {
            return;
        }
        const unsigned long long b = launch.next_block.fetch_add(1);
        if (b >= blocks) {
            return;
        }
        dim3 idx;
        idx.x = static_cast<unsigned int>(b % launch.grid.x);
        idx.y = static_cast<unsigned int>((b / launch.grid.x) % launch.grid.y);
        idx.z = static_cast<unsigned int>(b / (1ull * launch.grid.x * launch.grid.y));
        std::string error = runner.run(launch, idx);
        if (!error.empty()) {
            launch.fail(error);
            return;
        }
    }
}

thread_local std::string last_error;

}  // namespace

// ---------------------------------------------------------------- device-side entry points
void sync_block(Site site)
{
    BlockRunner& r = BlockRunner::current();
    r.running().site = site;
    r.running().state = State::BlockBarrier;
    r.yield();
}

uint64_t warp_exchange(uint64_t mine, int src_lane, unsigned int mask, Site site)
{
    BlockRunner& r = BlockRunner::current();
    Fiber& f = r.running();
    f.site = site;
    f.mask = mask;
    f.gather_dst = nullptr;
    f.exchange = mine;
    f.source_lane = src_lane;
    f.is_ballot = false;
    f.state = State::WarpBarrier;
    r.yield();
    return f.result;
}

void warp_gather(const void* mine, std::size_t bytes, void* all, Site site)
{
    BlockRunner& r = BlockRunner::current();
    Fiber& f = r.running();
    f.site = site;
    f.mask = 0xffffffffu;  // .aligned: the whole warp
    f.gather_src = mine;
    f.gather_dst = all;
    f.gather_bytes = bytes;
    f.is_ballot = false;
    f.state = State::WarpBarrier;
    r.yield();
    f.gather_dst = nullptr;
}

unsigned int warp_ballot(bool predicate, unsigned int mask, Site site)
{
    BlockRunner& r = BlockRunner::current();
    Fiber& f = r.running();
    f.site = site;
    f.mask = mask;
    f.gather_dst = nullptr;
    f.predicate = predicate;
    f.is_ballot = true;
    f.state = State::WarpBarrier;
    r.yield();
    return static_cast<unsigned int>(f.result);
}

void* dynamic_shared()
{
    return BlockRunner::current().shared();
}

[[noreturn]] void fail_thread(const char* message)
{
    thread_failure = message;
    siglongjmp(fault_jump, 2);
}

bool in_global(const void* p, std::size_t bytes)
{
    return global_range(static_cast<const char*>(p), bytes).first != nullptr;
}

bool in_shared(const void* p, std::size_t bytes)
{
    return BlockRunner::current().holds_shared(static_cast<const char*>(p), bytes);
}

void cp_async_16(void* smem, const void* gmem, int src_bytes)
{
    char message[200];
    if (src_bytes < 0 || src_bytes > 16) {
        std::snprintf(message, sizeof message, "cp.async: src-size %d is not within 0..16", src_bytes);
        fail_thread(message);
    }
    if (reinterpret_cast<uintptr_t>(smem) % 16 != 0 || !in_shared(smem, 16)) {
        std::snprintf(message, sizeof message, "cp.async: destination %p is %s", smem,
                      reinterpret_cast<uintptr_t>(smem) % 16 != 0 ? "not 16-byte aligned" : "not in shared memory");
        fail_thread(message);
    }
    if (reinterpret_cast<uintptr_t>(gmem) % 16 != 0 || (src_bytes > 0 && !in_global(gmem, static_cast<std::size_t>(src_bytes)))) {
        std::snprintf(message, sizeof message, "cp.async: source %p is %s", gmem,
                      reinterpret_cast<uintptr_t>(gmem) % 16 != 0 ? "not 16-byte aligned" : "not in global memory (an emulated buffer)");
        fail_thread(message);
    }
    Fiber& f = BlockRunner::current().running();
    note_write(smem, 16, f.thread);   // the copy may land any time until the wait: a write from the issue on
    std::memset(smem, 0xFF, 16);   // in flight: reads as NaN until its group is waited for
    f.copies.push_back(PendingCopy{static_cast<char*>(smem), static_cast<const char*>(gmem), src_bytes, f.committed});
}

void note_read(const void* p, std::size_t n)
{
    if (BlockRunner::racecheck() && tc_current != nullptr) {
        BlockRunner::current().note_access(p, n, false, *tc_current);
    }
}

void cp_async_commit()
{
    BlockRunner::current().running().committed++;
}

void cp_async_wait(int in_flight)
{
    land_copies(BlockRunner::current().running(), static_cast<unsigned long>(in_flight), false);
}

Registrar::Registrar(const char* module, const char* function, Trampoline entry)
{
    registry().push_back(Kernel{module, function, entry});
}

}  // namespace tc_emu

using namespace tc_emu;

// ---------------------------------------------------------------- the C API Java calls (JNA)
extern "C" {

void* tc_emu_alloc(std::size_t bytes)
{
    const std::size_t page = page_size();
    const std::size_t body = ((bytes + kAlign + page - 1) / page) * page;  // room for alignment slack
    const std::size_t total = body + 2 * page;
    void* m = mmap(nullptr, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {
        last_error = "cannot map " + std::to_string(total) + " bytes";
        return nullptr;
    }
    char* base = static_cast<char*>(m);
    if (mprotect(base + page, body, PROT_READ | PROT_WRITE) != 0) {
        munmap(base, total);
        last_error = "cannot unprotect an emulated buffer";
        return nullptr;
    }
    char* usable_begin = base + page;
    char* usable_end = usable_begin + body;
    // end as close to the upper guard page as 256-byte alignment allows
    char* start = reinterpret_cast<char*>(reinterpret_cast<uintptr_t>(usable_end - bytes) & ~static_cast<uintptr_t>(kAlign - 1));
    std::memset(usable_begin, kCanary, static_cast<std::size_t>(start - usable_begin));
    std::memset(start + bytes, kCanary, static_cast<std::size_t>(usable_end - (start + bytes)));
    std::lock_guard<std::mutex> lock(alloc_mutex);
    allocations[start] = Allocation{base, total, start, bytes, usable_begin, usable_end};
    allocations_changed.fetch_add(1, std::memory_order_release);
    return start;
}

void tc_emu_free(void* ptr)
{
    std::lock_guard<std::mutex> lock(alloc_mutex);
    auto it = allocations.find(static_cast<char*>(ptr));
    if (it != allocations.end()) {
        munmap(it->second.base, it->second.total);
        allocations.erase(it);
        allocations_changed.fetch_add(1, std::memory_order_release);
    }
}

#ifdef TC_EMU_RACECHECK
// ThreadSanitizer's instrumentation (-fsanitize=thread, on the kernels' units of the racecheck
// library only) calls these at every memory access: accesses to shared memory go to the race
// check, the rest are ignored. Atomics are done for real and are not races. No sanitizer
// library is linked; build-emu.sh fails if a kernel needs a hook not defined here.
static inline void tc_race(const void* p, std::size_t n, bool write)
{
    if (tc_current != nullptr) {
        BlockRunner::current().note_access(p, n, write, *tc_current);
    }
}
void __tsan_init() {}
void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
void __tsan_read1(void* p) { tc_race(p, 1, false); }
void __tsan_read2(void* p) { tc_race(p, 2, false); }
void __tsan_read4(void* p) { tc_race(p, 4, false); }
void __tsan_read8(void* p) { tc_race(p, 8, false); }
void __tsan_read16(void* p) { tc_race(p, 16, false); }
void __tsan_write1(void* p) { tc_race(p, 1, true); }
void __tsan_write2(void* p) { tc_race(p, 2, true); }
void __tsan_write4(void* p) { tc_race(p, 4, true); }
void __tsan_write8(void* p) { tc_race(p, 8, true); }
void __tsan_write16(void* p) { tc_race(p, 16, true); }
void __tsan_unaligned_read2(void* p) { tc_race(p, 2, false); }
void __tsan_unaligned_read4(void* p) { tc_race(p, 4, false); }
void __tsan_unaligned_read8(void* p) { tc_race(p, 8, false); }
void __tsan_unaligned_read16(void* p) { tc_race(p, 16, false); }
void __tsan_unaligned_write2(void* p) { tc_race(p, 2, true); }
void __tsan_unaligned_write4(void* p) { tc_race(p, 4, true); }
void __tsan_unaligned_write8(void* p) { tc_race(p, 8, true); }
void __tsan_unaligned_write16(void* p) { tc_race(p, 16, true); }
void __tsan_read_range(void* p, unsigned long n) { tc_race(p, n, false); }
void __tsan_write_range(void* p, unsigned long n) { tc_race(p, n, true); }
void __tsan_vptr_read(void**) {}
void __tsan_vptr_update(void**, void*) {}
int __tsan_atomic32_load(const volatile int* a, int) { return __atomic_load_n(a, __ATOMIC_SEQ_CST); }
void __tsan_atomic32_store(volatile int* a, int v, int) { __atomic_store_n(a, v, __ATOMIC_SEQ_CST); }
int __tsan_atomic32_exchange(volatile int* a, int v, int) { return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST); }
int __tsan_atomic32_fetch_add(volatile int* a, int v, int) { return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST); }
int __tsan_atomic32_fetch_sub(volatile int* a, int v, int) { return __atomic_fetch_sub(a, v, __ATOMIC_SEQ_CST); }
int __tsan_atomic32_compare_exchange_strong(volatile int* a, int* c, int v, int, int)
{
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
int __tsan_atomic32_compare_exchange_weak(volatile int* a, int* c, int v, int, int)
{
    return __atomic_compare_exchange_n(a, c, v, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
long long __tsan_atomic64_load(const volatile long long* a, int) { return __atomic_load_n(a, __ATOMIC_SEQ_CST); }
void __tsan_atomic64_store(volatile long long* a, long long v, int) { __atomic_store_n(a, v, __ATOMIC_SEQ_CST); }
long long __tsan_atomic64_exchange(volatile long long* a, long long v, int) { return __atomic_exchange_n(a, v, __ATOMIC_SEQ_CST); }
long long __tsan_atomic64_fetch_add(volatile long long* a, long long v, int) { return __atomic_fetch_add(a, v, __ATOMIC_SEQ_CST); }
int __tsan_atomic64_compare_exchange_strong(volatile long long* a, long long* c, long long v, int, int)
{
    return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}
void __tsan_atomic_thread_fence(int) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
void __tsan_atomic_signal_fence(int) {}
#endif

// UndefinedBehaviorSanitizer's alignment check (-fsanitize=alignment, on the kernels' units only)
// calls this where a typed access is misaligned: a float4 or uint4 load from an address that is
// not 16-byte aligned faults on a GPU. Defined here, so no sanitizer runtime is linked.
struct TcUbsanLocation {
    const char* file;
    uint32_t line;
    uint32_t column;
};
struct TcUbsanType {
    uint16_t kind;
    uint16_t info;
    char name[1];
};
struct TcUbsanTypeMismatch {
    TcUbsanLocation location;
    const TcUbsanType* type;
    unsigned char log_alignment;
    unsigned char check_kind;
};

void __ubsan_handle_type_mismatch_v1(TcUbsanTypeMismatch* data, uintptr_t pointer)
{
    if (tc_current == nullptr) {
        return;  // not inside a kernel thread
    }
    static const char* const kinds[] = {"load of", "store to"};   // then reference bindings, member accesses, calls
    const char* slash = std::strrchr(data->location.file, '/');
    char message[256];
    std::snprintf(message, sizeof message, "misaligned %s %s at %p: it needs %u-byte alignment (%s:%u)",
                  data->check_kind < 2 ? kinds[data->check_kind] : "access to", data->type->name, reinterpret_cast<void*>(pointer),
                  1u << data->log_alignment, slash != nullptr ? slash + 1 : data->location.file, data->location.line);
    fail_thread(message);
}

void __ubsan_handle_type_mismatch_v1_abort(TcUbsanTypeMismatch* data, uintptr_t pointer)
{
    __ubsan_handle_type_mismatch_v1(data, pointer);
}

void tc_emu_memset32(void* ptr, uint32_t value, std::size_t count)
{
    uint32_t* p = static_cast<uint32_t*>(ptr);
    for (std::size_t i = 0; i < count; ++i) {
        p[i] = value;
    }
}

int tc_emu_kernel_count()
{
    return static_cast<int>(registry().size());
}

// "module/function" of the i-th registered kernel
const char* tc_emu_kernel_name(int i)
{
    static thread_local std::string name;
    const Kernel& k = registry().at(static_cast<std::size_t>(i));
    name = k.module + "/" + k.function;
    return name.c_str();
}

const char* tc_emu_last_error()
{
    return last_error.c_str();
}

// cuLaunchKernel's contract: args[i] points at the i-th kernel argument. Returns 0 on success,
// else non-zero with tc_emu_last_error() saying why (unknown kernel, fault, deadlock, bad config).
int tc_emu_launch(const char* module, const char* function, unsigned int gx, unsigned int gy, unsigned int gz,
                  unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared_bytes, void** args)
{
    std::call_once(handlers_once, install_handlers);
    Trampoline entry = nullptr;
    for (const Kernel& k : registry()) {
        if (k.module == module && k.function == function) {
            entry = k.entry;
        }
    }
    if (entry == nullptr) {
        last_error = std::string("no kernel ") + function + " in module " + module;
        return 1;
    }
    if (gx == 0 || gy == 0 || gz == 0 || bx == 0 || by == 0 || bz == 0 || 1ull * bx * by * bz > 1024) {
        last_error = "invalid launch configuration";
        return 2;
    }
    // every other launch runs its warps in the opposite order: a check's cases meet both
    static std::atomic<unsigned long> launches{0};
    Launch launch;
    launch.name = std::string(module) + "/" + function;
    launch.descending = launches.fetch_add(1) % 2 == 1;
    launch.entry = entry;
    launch.args = args;
    launch.grid = dim3{gx, gy, gz};
    launch.block = dim3{bx, by, bz};
    launch.shared_bytes = shared_bytes;
    const unsigned long long blocks = 1ull * gx * gy * gz;
    const unsigned int workers = static_cast<unsigned int>(std::min<unsigned long long>(blocks, std::max(1u, std::thread::hardware_concurrency())));
    std::vector<std::thread> pool;
    for (unsigned int w = 1; w < workers; ++w) {
        pool.emplace_back([&launch] { run_blocks(launch); });
    }
    run_blocks(launch);  // the calling thread works too
    for (std::thread& t : pool) {
        t.join();
    }
    if (launch.failed.load()) {
        last_error = launch.error;
        return 3;
    }
    const std::string canary = check_canaries();
    if (!canary.empty()) {
        last_error = canary;
        return 4;
    }
    return 0;
}

}  // extern "C"
