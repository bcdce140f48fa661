#include "tests/diff/native_runner.h"

// VIREO_DIFF_FORCE_STUB builds the non-x86 stub on x86 (to test that it compiles).
#if defined(__x86_64__) && defined(__linux__) && !defined(VIREO_DIFF_FORCE_STUB)

#include <asm/ldt.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>

extern "C" const uint8_t vireo_diff_stub_begin[];
extern "C" const uint8_t vireo_diff_stub_end[];

namespace vireo::diff {
namespace {

// Mirror of the context page (layout_defs.h); the stubs address it by absolute offsets.
struct StubContext {
  uint64_t in_gpr[16];
  uint64_t in_flags;
  uint64_t out_gpr[16];
  uint64_t out_flags;
  uint64_t host_rsp;
  uint64_t entry;
  uint32_t mode;
  uint16_t sel16;
  uint16_t host_ds;
  uint16_t host_es;
  uint8_t pad[VIREO_DIFF_CTX_HOST_MXCSR - VIREO_DIFF_CTX_HOST_ES - 2];
  uint32_t host_mxcsr;
  uint8_t pad2[VIREO_DIFF_CTX_IN_FXSAVE - VIREO_DIFF_CTX_HOST_MXCSR - 4];
  alignas(16) uint8_t in_fxsave[512];
  alignas(16) uint8_t out_fxsave[512];
};
static_assert(offsetof(StubContext, in_gpr) == VIREO_DIFF_CTX_IN_GPR);
static_assert(offsetof(StubContext, in_flags) == VIREO_DIFF_CTX_IN_FLAGS);
static_assert(offsetof(StubContext, out_gpr) == VIREO_DIFF_CTX_OUT_GPR);
static_assert(offsetof(StubContext, out_flags) == VIREO_DIFF_CTX_OUT_FLAGS);
static_assert(offsetof(StubContext, host_rsp) == VIREO_DIFF_CTX_HOST_RSP);
static_assert(offsetof(StubContext, entry) == VIREO_DIFF_CTX_ENTRY);
static_assert(offsetof(StubContext, mode) == VIREO_DIFF_CTX_MODE);
static_assert(offsetof(StubContext, sel16) == VIREO_DIFF_CTX_SEL16);
static_assert(offsetof(StubContext, host_ds) == VIREO_DIFF_CTX_HOST_DS);
static_assert(offsetof(StubContext, host_es) == VIREO_DIFF_CTX_HOST_ES);
static_assert(offsetof(StubContext, host_mxcsr) == VIREO_DIFF_CTX_HOST_MXCSR);
static_assert(offsetof(StubContext, in_fxsave) == VIREO_DIFF_CTX_IN_FXSAVE);
static_assert(offsetof(StubContext, out_fxsave) == VIREO_DIFF_CTX_OUT_FXSAVE);

// FXSAVE image fields (SDM Vol. 1 Table 10-2). The register area holds ST(0)-ST(7) in stack
// order, so physical register Ri is at slot (i - TOP) & 7.
constexpr size_t kFxFcw = 0, kFxFsw = 2, kFxFtw = 4, kFxMxcsr = 24, kFxSt = 32, kFxXmm = 160;

// Builds the image FXRSTOR loads: x87 control word 0x037F (Linux's default), TOP and the
// abridged tags, the registers, MXCSR and XMM0-15.
// The x87/MMX/SSE part of a case's input (same field names as in DiffState).
struct NativeFpu {
  uint64_t xmm[16][2];
  uint32_t mxcsr;
  uint64_t mm[8];
  uint16_t st_exp[8];
  uint8_t fpu_tags;
  uint8_t fpu_top;
};

template <typename To, typename From>
void CopyFpu(To* to, const From& from) {
  std::memcpy(to->xmm, from.xmm, sizeof to->xmm);
  to->mxcsr = from.mxcsr;
  std::memcpy(to->mm, from.mm, sizeof to->mm);
  std::memcpy(to->st_exp, from.st_exp, sizeof to->st_exp);
  to->fpu_tags = from.fpu_tags;
  to->fpu_top = from.fpu_top;
}

void FillFxImage(const NativeFpu& s, uint8_t* img) {
  std::memset(img, 0, 512);
  uint16_t fcw = 0x037F, fsw = static_cast<uint16_t>((s.fpu_top & 7) << 11);
  std::memcpy(img + kFxFcw, &fcw, 2);
  std::memcpy(img + kFxFsw, &fsw, 2);
  img[kFxFtw] = s.fpu_tags;
  std::memcpy(img + kFxMxcsr, &s.mxcsr, 4);
  for (int r = 0; r < 8; ++r) {
    uint8_t* slot = img + kFxSt + 16 * ((r - s.fpu_top) & 7);
    std::memcpy(slot, &s.mm[r], 8);
    std::memcpy(slot + 8, &s.st_exp[r], 2);
  }
  std::memcpy(img + kFxXmm, s.xmm, sizeof s.xmm);
}

void ReadFxImage(const uint8_t* img, DiffState* s) {
  uint16_t fsw;
  std::memcpy(&fsw, img + kFxFsw, 2);
  s->fpu_top = static_cast<uint8_t>((fsw >> 11) & 7);
  s->fpu_tags = img[kFxFtw];
  std::memcpy(&s->mxcsr, img + kFxMxcsr, 4);
  for (int r = 0; r < 8; ++r) {
    const uint8_t* slot = img + kFxSt + 16 * ((r - s->fpu_top) & 7);
    std::memcpy(&s->mm[r], slot, 8);
    std::memcpy(&s->st_exp[r], slot + 8, 2);
  }
  std::memcpy(s->xmm, img + kFxXmm, sizeof s->xmm);
}

// Offsets table at the start of the stub blob (native_stubs.S).
enum StubSlot { kStubEntry, kStubCapture16, kStubCapture32, kStubCapture64, kStubFault };

constexpr uint64_t kCtxAddress = VIREO_DIFF_CTX_ADDR;
constexpr uint64_t kStubAddress = VIREO_DIFF_STUB_ADDR;
// The code mapping covers the test code and the stub page (one 16-bit code segment).
constexpr size_t kCodeMapSize = VIREO_DIFF_STUB_ADDR + 0x1000 - VIREO_DIFF_CODE_ADDR;
constexpr size_t kAltStackSize = 64 * 1024;
// Hang guard: a virtual-time tick every kTickMs; a case seen running on kHangTicks consecutive
// ticks is stopped.
constexpr int kTickMs = 50;
constexpr int kHangTicks = static_cast<int>(NativeExecutor::kHangCpuSeconds * 1000 / kTickMs);
// Parent side: a child without progress for this long is killed.
constexpr int kParentStallMs = 20000;

// One case's input in the shared memory (its code lives in Shared::code).
struct NativeInput {
  int32_t mode;
  uint32_t code_offset;
  uint32_t code_size;
  uint64_t gpr[16];
  uint64_t rflags;
  std::array<uint8_t, kDataSize> data;
  NativeFpu fpu;
};

// One case's result in the shared memory.
struct NativeResult {
  DiffState state;
  int32_t vector;  // -1: no fault
  uint64_t ip;
  uint64_t pf_address;
};

struct SharedHeader {
  std::atomic<uint32_t> progress;  // cases of the current chunk finished
  uint32_t count;                  // cases in the current chunk
  int32_t ldt_errno;               // errno of modify_ldt, 0 if it worked
};

// Code bytes of one chunk; a chunk ends early when they would not fit.
constexpr size_t kCodeArenaSize = 4 << 20;

struct Shared {
  SharedHeader header;
  NativeInput inputs[NativeExecutor::kChunk];
  NativeResult results[NativeExecutor::kChunk];
  uint8_t code[kCodeArenaSize];
};

StubContext* Ctx() { return reinterpret_cast<StubContext*>(kCtxAddress); }
uint8_t* DataPage() { return reinterpret_cast<uint8_t*>(kDataAddress); }
uint8_t* CodePage() { return reinterpret_cast<uint8_t*>(kCodeAddress); }
uint32_t StubOffset(StubSlot slot) {
  uint32_t v;
  std::memcpy(&v, vireo_diff_stub_begin + 4 * slot, 4);
  return v;
}

// Child-side state reached from the signal handler.
volatile sig_atomic_t g_in_test = 0;
Shared* g_shared = nullptr;
NativeResult* g_current = nullptr;
uint32_t g_last_progress = ~0u;
int g_stalled_ticks = 0;
bool g_ldt_ok = false;
const ucontext_t* g_fault_context = nullptr;

// Redirects the interrupted context to the fault landing in 64-bit mode.
void Redirect(greg_t* g) {
  g[REG_RIP] = static_cast<greg_t>(kStubAddress + StubOffset(kStubFault));
  g[REG_RSP] = static_cast<greg_t>(Ctx()->host_rsp);
  g[REG_EFL] = 0x202;
  uint64_t csgsfs = static_cast<uint64_t>(g[REG_CSGSFS]);
  // Packed cs, gs, fs, ss (UC_SIGCONTEXT_SS) 16 bits each.
  csgsfs = (csgsfs & 0x0000FFFFFFFF0000ull) | VIREO_DIFF_SEL_CODE64 |
           (uint64_t{VIREO_DIFF_SEL_DATA} << 48);
  g[REG_CSGSFS] = static_cast<greg_t>(csgsfs);
}

void Record(const greg_t* g, int vector, uint64_t pf_address) {
  NativeResult* r = g_current;
  static constexpr int kRegs[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                    REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                    REG_R12, REG_R13, REG_R14, REG_R15};
  for (int i = 0; i < 16; ++i) r->state.gpr[i] = static_cast<uint64_t>(g[kRegs[i]]);
  // RF (bit 16) is set in the image a fault pushes (SDM Vol. 3A 18.3.1.1); it is not state.
  r->state.rflags = static_cast<uint64_t>(g[REG_EFL]) & ~uint64_t{0x10000};
  // The FXSAVE image the kernel saved at the fault holds the case's x87/MMX/SSE state.
  const ucontext_t* uc = g_fault_context;
  if (uc != nullptr && uc->uc_mcontext.fpregs != nullptr) {
    static_assert(sizeof *uc->uc_mcontext.fpregs == 512);
    ReadFxImage(reinterpret_cast<const uint8_t*>(uc->uc_mcontext.fpregs), &r->state);
  }
  uint64_t cs = static_cast<uint64_t>(g[REG_CSGSFS]) & 0xFFFF;
  uint64_t rip = static_cast<uint64_t>(g[REG_RIP]);
  r->ip = cs == VIREO_DIFF_SEL_CODE16 ? rip : rip - kCodeAddress;
  r->vector = vector;
  r->pf_address = pf_address;
}

void OnSignal(int sig, siginfo_t* info, void* raw) {
  auto* uc = static_cast<ucontext_t*>(raw);
  greg_t* g = uc->uc_mcontext.gregs;
  g_fault_context = uc;
  if (!g_in_test) {
    if (sig == SIGVTALRM) return;
    // A fault in the runner itself: let the default action kill the child (the parent reports
    // a crash for the current case).
    signal(sig, SIG_DFL);
    return;
  }
  if (sig == SIGVTALRM) {
    uint32_t p = g_shared->header.progress.load(std::memory_order_relaxed);
    if (p != g_last_progress) {
      g_last_progress = p;
      g_stalled_ticks = 0;
      return;
    }
    if (++g_stalled_ticks < kHangTicks) return;
    g_stalled_ticks = 0;
    Record(g, kFaultHang, 0);
  } else {
    int vector = static_cast<int>(g[REG_TRAPNO]);
    uint64_t addr = vector == kFaultPf ? reinterpret_cast<uint64_t>(info->si_addr) : 0;
    Record(g, vector, addr);
  }
  Redirect(g);
}

bool MapFixed(uint64_t address, size_t size, int prot) {
  void* p = mmap(reinterpret_cast<void*>(address), size, prot,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  return p == reinterpret_cast<void*>(address);
}

// Creates LDT entry `index`: a 16-bit segment (SDM Vol. 3A 3.4.5, D/B = 0) of 64 KiB at `base`.
bool SetLdt16(int index, uint64_t base, bool code) {
  user_desc d{};
  d.entry_number = static_cast<unsigned>(index);
  d.base_addr = static_cast<unsigned>(base);
  d.limit = 0xFFFF;
  d.seg_32bit = 0;
  d.contents = code ? MODIFY_LDT_CONTENTS_CODE : MODIFY_LDT_CONTENTS_DATA;
  d.read_exec_only = 0;
  d.limit_in_pages = 0;
  d.seg_not_present = 0;
  d.useable = 1;
  return syscall(SYS_modify_ldt, 1, &d, sizeof d) == 0;
}

void SetupChild(Shared* shared) {
  if (!MapFixed(kDataAddress, kDataSize, PROT_READ | PROT_WRITE) ||
      !MapFixed(kCtxAddress, 0x1000, PROT_READ | PROT_WRITE) ||
      !MapFixed(kCodeAddress, kCodeMapSize, PROT_READ | PROT_WRITE | PROT_EXEC)) {
    std::fprintf(stderr, "vireo-diff: cannot map the fixed pages at 0x%llx: %s\n",
                 static_cast<unsigned long long>(kDataAddress), std::strerror(errno));
    _exit(3);
  }
  std::memcpy(reinterpret_cast<void*>(kStubAddress), vireo_diff_stub_begin,
              static_cast<size_t>(vireo_diff_stub_end - vireo_diff_stub_begin));
  g_ldt_ok = SetLdt16(0, kCodeAddress, true) && SetLdt16(1, kDataAddress, false);
  shared->header.ldt_errno = g_ldt_ok ? 0 : errno;
  StubContext* ctx = Ctx();
  ctx->entry = kCodeAddress;
  ctx->sel16 = VIREO_DIFF_SEL_DATA16;

  static void* alt_stack = nullptr;
  if (alt_stack == nullptr) alt_stack = std::malloc(kAltStackSize);
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = kAltStackSize;
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_sigaction = OnSignal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGVTALRM})
    sigaction(sig, &sa, nullptr);
  itimerval tv{};
  tv.it_interval.tv_usec = kTickMs * 1000;
  tv.it_value.tv_usec = kTickMs * 1000;
  setitimer(ITIMER_VIRTUAL, &tv, nullptr);
  g_shared = shared;
}

// Copies the code and writes the jump from its end to the capture stub of the case's mode.
void WriteCode(const NativeInput& in, const uint8_t* bytes) {
  uint8_t* code = CodePage();
  size_t n = in.code_size;
  std::memcpy(code, bytes, n);
  code[n] = 0xE9;  // JMP rel16/rel32
  if (in.mode == 16) {
    uint64_t target = kStubAddress - kCodeAddress + StubOffset(kStubCapture16);
    uint16_t rel = static_cast<uint16_t>(target - (n + 3));
    std::memcpy(code + n + 1, &rel, 2);
  } else {
    StubSlot slot = in.mode == 32 ? kStubCapture32 : kStubCapture64;
    uint64_t target = kStubAddress + StubOffset(slot);
    uint32_t rel = static_cast<uint32_t>(target - (kCodeAddress + n + 5));
    std::memcpy(code + n + 1, &rel, 4);
  }
}

void RunOne(const NativeInput& in, const uint8_t* code, NativeResult* r) {
  StubContext* ctx = Ctx();
  bool narrow = in.mode != 64;
  for (int i = 0; i < 16; ++i) {
    ctx->in_gpr[i] = (narrow && i < 8) ? (in.gpr[i] & 0xFFFFFFFFu) : in.gpr[i];
  }
  ctx->in_flags = (in.rflags & kInputFlags) | kFixedFlags;
  FillFxImage(in.fpu, ctx->in_fxsave);
  std::memset(ctx->out_fxsave, 0, sizeof ctx->out_fxsave);
  std::memset(ctx->out_gpr, 0, sizeof ctx->out_gpr);
  ctx->out_flags = 0;
  ctx->mode = static_cast<uint32_t>(in.mode);
  r->vector = -1;
  r->ip = 0;
  r->pf_address = 0;
  if (in.code_size > kMaxCodeSize || (in.mode == 16 && !g_ldt_ok) ||
      (in.mode != 16 && in.mode != 32 && in.mode != 64)) {
    std::memcpy(r->state.gpr, in.gpr, sizeof in.gpr);
    r->state.rflags = in.rflags;
    r->state.data = in.data;
    CopyFpu(&r->state, in.fpu);
    r->vector = kFaultCrash;
    return;
  }
  std::memcpy(DataPage(), in.data.data(), kDataSize);
  WriteCode(in, code);
  auto entry = reinterpret_cast<int (*)()>(kStubAddress + StubOffset(kStubEntry));
  g_current = r;
  g_in_test = 1;
  int faulted = entry();
  g_in_test = 0;
  if (!faulted) {
    for (int i = 0; i < 16; ++i) r->state.gpr[i] = ctx->out_gpr[i];
    r->state.rflags = ctx->out_flags;
    ReadFxImage(ctx->out_fxsave, &r->state);
  }
  if (narrow) {
    for (int i = 0; i < 8; ++i) r->state.gpr[i] &= 0xFFFFFFFFu;
  }
  std::memcpy(r->state.data.data(), DataPage(), kDataSize);
}

// The child: waits for a chunk number on `cmd`, runs the chunk from header.progress on and
// answers on `done`. Exits when the parent closes `cmd`.
[[noreturn]] void ChildMain(Shared* shared, int cmd, int done) {
  SetupChild(shared);
  uint32_t request;
  while (read(cmd, &request, sizeof request) == sizeof request) {
    uint32_t count = shared->header.count;
    for (uint32_t i = shared->header.progress.load(); i < count; ++i) {
      const NativeInput& in = shared->inputs[i];
      RunOne(in, shared->code + in.code_offset, &shared->results[i]);
      shared->header.progress.store(i + 1, std::memory_order_release);
    }
    if (write(done, &request, sizeof request) != sizeof request) break;
  }
  _exit(0);
}

}  // namespace

// The persistent child process and its two pipes.
struct NativeExecutor::Child {
  pid_t pid = -1;
  int cmd = -1;   // parent -> child
  int done = -1;  // child -> parent
};

bool NativeRunnerAvailable(std::string* reason) {
  (void)reason;
  return true;
}

NativeExecutor::NativeExecutor() {
  shared_size_ = (sizeof(Shared) + 4095) & ~size_t{4095};
  shared_ = mmap(nullptr, shared_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared_ == MAP_FAILED) throw std::runtime_error("vireo-diff: cannot map shared memory");
  child_ = std::make_unique<Child>();
  // Fork now, while the parent is small: forking a process that holds many cases is slow.
  StartChild();
}

NativeExecutor::~NativeExecutor() {
  StopChild();
  munmap(shared_, shared_size_);
}

void NativeExecutor::StartChild() {
  int cmd[2];
  int done[2];
  if (pipe2(cmd, O_CLOEXEC) != 0 || pipe2(done, O_CLOEXEC) != 0) {
    throw std::runtime_error("vireo-diff: pipe failed");
  }
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("vireo-diff: fork failed");
  if (pid == 0) {
    close(cmd[1]);
    close(done[0]);
    ChildMain(static_cast<Shared*>(shared_), cmd[0], done[1]);
  }
  close(cmd[0]);
  close(done[1]);
  child_->pid = pid;
  child_->cmd = cmd[1];
  child_->done = done[0];
}

void NativeExecutor::StopChild() {
  if (child_ == nullptr || child_->pid < 0) return;
  close(child_->cmd);
  close(child_->done);
  int status;
  waitpid(child_->pid, &status, 0);
  child_->pid = -1;
}

// Asks the child to run the chunk from header.progress on; false if it died or stalled.
bool NativeExecutor::RunInChild() {
  auto* shared = static_cast<Shared*>(shared_);
  uint32_t request = 1;
  if (write(child_->cmd, &request, sizeof request) != sizeof request) return false;
  uint32_t last = shared->header.progress.load();
  auto last_change = std::chrono::steady_clock::now();
  while (true) {
    pollfd p{child_->done, POLLIN, 0};
    int ready = poll(&p, 1, 500);
    if (ready > 0) return read(child_->done, &request, sizeof request) == sizeof request;
    if (ready < 0 && errno != EINTR) return false;
    uint32_t now_progress = shared->header.progress.load();
    auto now = std::chrono::steady_clock::now();
    if (now_progress != last) {
      last = now_progress;
      last_change = now;
    } else if (now - last_change > std::chrono::milliseconds(kParentStallMs)) {
      kill(child_->pid, SIGKILL);
      return false;
    }
  }
}

DiffState NativeExecutor::Run(const DiffCase& c, std::string* fault) {
  DiffOutcome o;
  RunChunk(std::span<const DiffCase>(&c, 1), &o);
  *fault = o.fault;
  return o.state;
}

void NativeExecutor::RunBatch(std::span<const DiffCase> cases, std::vector<DiffOutcome>* out) {
  out->resize(cases.size());
  size_t i = 0;
  while (i < cases.size()) {
    i += RunChunk(cases.subspan(i), out->data() + i);
  }
}

size_t NativeExecutor::RunChunk(std::span<const DiffCase> cases, DiffOutcome* out) {
  auto* shared = static_cast<Shared*>(shared_);
  size_t n = 0;
  size_t code_used = 0;
  for (; n < cases.size() && n < kChunk; ++n) {
    const DiffCase& c = cases[n];
    size_t size = std::min(c.code.size(), kMaxCodeSize + 1);
    if (code_used + size > kCodeArenaSize) break;
    NativeInput& in = shared->inputs[n];
    in.mode = c.mode;
    in.code_offset = static_cast<uint32_t>(code_used);
    in.code_size = static_cast<uint32_t>(c.code.size());
    std::memcpy(shared->code + code_used, c.code.data(), size);
    code_used += size;
    std::memcpy(in.gpr, c.in.gpr, sizeof in.gpr);
    in.rflags = c.in.rflags;
    in.data = c.in.data;
    CopyFpu(&in.fpu, c.in);
  }
  shared->header.count = static_cast<uint32_t>(n);
  shared->header.progress.store(0);
  while (shared->header.progress.load() < n) {
    if (RunInChild()) continue;
    // The child died (or stalled) in case `progress`: report it, restart, go on after it.
    StopChild();
    uint32_t dead = shared->header.progress.load();
    NativeResult& r = shared->results[dead];
    r.state = cases[dead].in;
    r.vector = kFaultCrash;
    r.ip = 0;
    r.pf_address = 0;
    shared->header.progress.store(dead + 1);
    StartChild();
  }
  for (size_t i = 0; i < n; ++i) {
    const NativeResult& r = shared->results[i];
    out[i].state = r.state;
    out[i].fault = r.vector < 0 ? std::string() : FormatFault(r.vector, r.ip, r.pf_address);
  }
  return n;
}

void NativeExecutor::Probe() const {
  if (probed_) return;
  probed_ = true;
  auto* self = const_cast<NativeExecutor*>(this);
  std::vector<DiffCase> cases(3);
  int modes[3] = {16, 32, 64};
  for (int i = 0; i < 3; ++i) {
    cases[i].mode = modes[i];
    cases[i].code = {0x90};  // NOP
  }
  std::vector<DiffOutcome> out;
  self->RunBatch(cases, &out);
  int ldt_errno = static_cast<Shared*>(shared_)->header.ldt_errno;
  for (int i = 0; i < 3; ++i) {
    if (out[i].fault.empty()) continue;
    if (modes[i] == 16 && ldt_errno != 0) {
      mode_error_[i] =
          std::string("modify_ldt(2) refused a 16-bit segment: ") + std::strerror(ldt_errno);
    } else {
      mode_error_[i] =
          "a NOP in " + std::to_string(modes[i]) + "-bit mode ended in " + out[i].fault;
    }
  }
}

bool NativeExecutor::SupportsMode(int mode, std::string* reason) const {
  Probe();
  int index = mode == 16 ? 0 : mode == 32 ? 1 : 2;
  if (mode_error_[index].empty()) return true;
  *reason = mode_error_[index];
  return false;
}

}  // namespace vireo::diff

#else  // not x86-64 Linux: the oracle cannot run natively.

namespace vireo::diff {

bool NativeRunnerAvailable(std::string* reason) {
  *reason = "skipped: the oracle needs an x86-64 host";
  return false;
}

NativeExecutor::NativeExecutor() = default;
NativeExecutor::~NativeExecutor() = default;

DiffState NativeExecutor::Run(const DiffCase& c, std::string* fault) {
  *fault = "crash";
  return c.in;
}

void NativeExecutor::RunBatch(std::span<const DiffCase> cases, std::vector<DiffOutcome>* out) {
  out->resize(cases.size());
  for (size_t i = 0; i < cases.size(); ++i) (*out)[i].state = Run(cases[i], &(*out)[i].fault);
}

struct NativeExecutor::Child {};
size_t NativeExecutor::RunChunk(std::span<const DiffCase> cases, DiffOutcome*) {
  return cases.size();
}
void NativeExecutor::Probe() const {}
void NativeExecutor::StartChild() {}
void NativeExecutor::StopChild() {}
bool NativeExecutor::RunInChild() { return false; }

bool NativeExecutor::SupportsMode(int, std::string* reason) const {
  NativeRunnerAvailable(reason);
  return false;
}

}  // namespace vireo::diff

#endif
