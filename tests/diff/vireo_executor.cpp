#include "tests/diff/vireo_executor.h"

#include <cstring>

#include "cpu/x86/cpu.h"
#include "machine/address_space.h"
#include "machine/guest_ram.h"

namespace vireo::diff {

namespace {

using x86::CodeSize;
using x86::CpuState;

// Guest-physical layout: page tables low, then the data page and the code pages. Linear
// addresses are the oracle's; paging maps them here in every mode, so any other access is a
// #PF just as it is a SIGSEGV natively.
constexpr uint64_t kRamSize = 4ull << 20;
constexpr uint64_t kPml4 = 0x1000, kPdpt = 0x2000, kPd64 = 0x3000, kPt64 = 0x4000;
constexpr uint64_t kPd32 = 0x5000, kPt32 = 0x6000;
constexpr uint64_t kDataPhys = 0x100000, kCodePhys = 0x110000;
constexpr unsigned kCodePages = 4;
constexpr uint64_t kPresent = 1, kWritable = 2, kUser = 4;

class VireoExecutor final : public Executor {
 public:
  explicit VireoExecutor(jit::TierMode tiers) : ram_(kRamSize), cpu_(memory_) {
    memory_.AddRam(0, kRamSize, ram_.data(), "ram");
    BuildPageTables();
    // Both tiers start from the same translated and optimised IR; only what executes it
    // differs, so a mismatch between "vireo" and "vireo-llvm" is tier 1's. kTiered is not
    // offered: which tier runs a block would depend on the background compiler's timing.
    jit::TierOptions options;
    options.mode = tiers;
    cpu_.SetTiers(options);
    name_ = tiers == jit::TierMode::kLlvm ? "vireo-llvm" : "vireo";
  }

  std::string_view Name() const override { return name_; }

  DiffState Run(const DiffCase& c, std::string* fault) override {
    std::memset(ram_.data() + kCodePhys, 0, kCodePages * 4096);
    std::memcpy(ram_.data() + kCodePhys, c.code.data(), c.code.size());
    ram_.data()[kCodePhys + c.code.size()] = 0xF4;  // HLT: #GP at CPL 3 marks the end
    std::memcpy(ram_.data() + kDataPhys, c.in.data.data(), kDataSize);
    cpu_.FlushTranslations();
    SetupState(c);
    x86::StopReason why = cpu_.Run(kMaxInsts);
    CpuState& s = cpu_.state();
    uint64_t code_base = c.mode == 16 ? 0 : kCodeAddress;
    uint64_t ip = s.rip - code_base;
    fault->clear();
    if (why == x86::StopReason::kException) {
      bool finished = s.exception_vector == x86::kGP && ip == c.code.size();
      if (!finished) {
        *fault = FormatFault(s.exception_vector, ip, s.exception_vector == x86::kPF ? s.cr2 : 0);
      }
    } else {
      *fault = FormatFault(kFaultHang, ip, 0);
    }
    return Capture(c);
  }

 private:
  static constexpr uint64_t kMaxInsts = 100000;

  void Put64(uint64_t phys, uint64_t v) { std::memcpy(ram_.data() + phys, &v, 8); }
  void Put32(uint64_t phys, uint32_t v) { std::memcpy(ram_.data() + phys, &v, 4); }

  void BuildPageTables() {
    // 4-level: PML4[0] -> PDPT[0] -> PD[0x80] (0x10000000 >> 21) -> PT.
    constexpr uint64_t kFlags = kPresent | kWritable | kUser;
    Put64(kPml4, kPdpt | kFlags);
    Put64(kPdpt, kPd64 | kFlags);
    Put64(kPd64 + 8 * ((kDataAddress >> 21) & 0x1FF), kPt64 | kFlags);
    // 32-bit paging: PD[0x40] (0x10000000 >> 22) -> PT.
    Put32(kPd32 + 4 * ((kDataAddress >> 22) & 0x3FF), static_cast<uint32_t>(kPt32 | kFlags));
    auto map = [&](uint64_t linear, uint64_t phys) {
      unsigned index = (linear >> 12) & 0x1FF;
      Put64(kPt64 + 8 * index, phys | kFlags);
      Put32(kPt32 + 4 * ((linear >> 12) & 0x3FF), static_cast<uint32_t>(phys | kFlags));
    };
    map(kDataAddress, kDataPhys);
    for (unsigned p = 0; p < kCodePages; ++p) map(kCodeAddress + 4096 * p, kCodePhys + 4096 * p);
  }

  void SetupState(const DiffCase& c) {
    cpu_.Reset();
    CpuState& s = cpu_.state();
    for (int i = 0; i < 16; ++i) s.gpr[i] = c.in.gpr[i];
    s.rflags = c.in.rflags;
    s.cpl = 3;
    for (int i = 0; i < 16; ++i) s.fpu.xmm[i] = {c.in.xmm[i][0], c.in.xmm[i][1]};
    s.fpu.mxcsr = c.in.mxcsr;
    // x87 state as FXRSTOR loads it natively (control word 0x037F); a register whose abridged
    // tag is set gets the full tag 00 (valid), as after MMX use (SDM Vol. 1 9.5.1).
    s.fpu.fcw = 0x037F;
    s.fpu.fsw = static_cast<uint16_t>((c.in.fpu_top & 7) << 11);
    s.fpu.ftw = 0;
    for (int r = 0; r < 8; ++r) {
      s.fpu.st[r].significand = c.in.mm[r];
      s.fpu.st[r].sign_exponent = c.in.st_exp[r];
      if (!((c.in.fpu_tags >> r) & 1)) s.fpu.ftw |= static_cast<uint16_t>(3 << (2 * r));
    }
    // Selector RPL 3; attrs: type | S | DPL 3 | P, plus L (code64) or D/B.
    // Linux enables SSE: CR4.OSFXSR | CR4.OSXMMEXCPT (SDM Vol. 3A 2.5).
    // and XSAVE: CR4.OSXSAVE with XCR0 = x87 | SSE (Vol. 1 13.3).
    constexpr uint64_t kCr4Sse = (1 << 9) | (1 << 10) | (1 << 18);
    s.fpu.xcr0 = 3;
    constexpr uint16_t kCode = 0xFB, kData = 0xF3, kL = 1 << 13, kDb = 1 << 14;
    s.cr0 = 0x80000011;  // PG | ET | PE
    if (c.mode == 64) {
      s.cr4 = (1 << 5) | kCr4Sse;                 // PAE
      s.efer = (1 << 8) | (1 << 10) | (1 << 11);  // LME | LMA | NXE
      s.cr3 = kPml4;
      s.seg[x86::kCs] = {0, 0xFFFFFFFF, 0x33, static_cast<uint16_t>(kCode | kL)};
      for (int i : {x86::kDs, x86::kEs, x86::kSs, x86::kFs, x86::kGs})
        s.seg[i] = {0, 0xFFFFFFFF, 0x2B, kData};
      s.rip = kCodeAddress;
    } else if (c.mode == 32) {
      s.cr4 = kCr4Sse;
      s.cr3 = kPd32;
      s.seg[x86::kCs] = {0, 0xFFFFFFFF, 0x23, static_cast<uint16_t>(kCode | kDb)};
      for (int i : {x86::kDs, x86::kEs, x86::kSs, x86::kFs, x86::kGs})
        s.seg[i] = {0, 0xFFFFFFFF, 0x2B, static_cast<uint16_t>(kData | kDb)};
      s.rip = kCodeAddress;
    } else {
      s.cr4 = kCr4Sse;
      s.cr3 = kPd32;
      s.seg[x86::kCs] = {kCodeAddress, 0xFFFF, 0x0F, kCode};
      for (int i : {x86::kDs, x86::kEs, x86::kSs}) s.seg[i] = {kDataAddress, 0xFFFF, 0x17, kData};
      for (int i : {x86::kFs, x86::kGs}) s.seg[i] = {0, 0xFFFF, 0, kData};
      s.rip = 0;
    }
    cpu_.StateChanged();
  }

  DiffState Capture(const DiffCase& c) {
    CpuState& s = cpu_.state();
    DiffState out;
    for (int i = 0; i < 16; ++i) out.gpr[i] = s.gpr[i];
    uint64_t arith = s.cc_op / 4 == 0
                         ? s.rflags & x86::kArithFlags
                         : x86::ComputeArithFlags(s.cc_op, s.cc_dst, s.cc_src, s.cc_src2);
    out.rflags = (s.rflags & ~uint64_t{x86::kArithFlags}) | arith;
    std::memcpy(out.data.data(), ram_.data() + kDataPhys, kDataSize);
    for (int i = 0; i < 16; ++i) {
      out.xmm[i][0] = s.fpu.xmm[i].lo;
      out.xmm[i][1] = s.fpu.xmm[i].hi;
    }
    out.mxcsr = s.fpu.mxcsr;
    out.fpu_top = static_cast<uint8_t>((s.fpu.fsw >> 11) & 7);
    out.fpu_tags = 0;
    for (int r = 0; r < 8; ++r) {
      out.mm[r] = s.fpu.st[r].significand;
      out.st_exp[r] = s.fpu.st[r].sign_exponent;
      if (((s.fpu.ftw >> (2 * r)) & 3) != 3) out.fpu_tags |= static_cast<uint8_t>(1 << r);
    }
    (void)c;
    return out;
  }

  machine::GuestRam ram_;
  machine::AddressSpace memory_;
  x86::Cpu cpu_;
  std::string_view name_;
};

}  // namespace

std::unique_ptr<Executor> MakeVireoExecutor(jit::TierMode tiers) {
  return std::make_unique<VireoExecutor>(tiers);
}

}  // namespace vireo::diff
