// Helpers: instruction semantics too large or too rare for inline IR. Each reads and writes the
// CpuState directly; one that raises an exception records it and sets env->fault.

#include "cpu/x86/helpers.h"

#include <chrono>

#include "cpu/x86/cpu.h"
#include "cpu/x86/flags.h"
#include "cpu/x86/interrupts.h"
#include "cpu/x86/segments.h"
#include "cpu/x86/translator.h"

namespace vireo::x86 {

namespace {

CpuState& State(jit::ExecEnv* env) { return *static_cast<CpuState*>(env->state); }
Cpu& TheCpu(jit::ExecEnv* env) { return *static_cast<Cpu*>(env->cpu); }

uint64_t RaiseExceptionHelper(jit::ExecEnv* env, uint64_t a, uint64_t b) {
  TheCpu(env).RaiseException(static_cast<uint8_t>(a), (a & 0x100) != 0, static_cast<uint32_t>(b));
  return 0;
}

uint64_t ComputeFlagsHelper(jit::ExecEnv* env, uint64_t, uint64_t) {
  const CpuState& s = State(env);
  if (s.cc_op / 4 == static_cast<uint32_t>(CcKind::kEflags)) return s.rflags & kArithFlags;
  return ComputeArithFlags(s.cc_op, s.cc_dst, s.cc_src, s.cc_src2);
}

uint64_t EvalConditionHelper(jit::ExecEnv* env, uint64_t cc, uint64_t) {
  const CpuState& s = State(env);
  return EvaluateCondition(static_cast<Cond>(cc), s.cc_op, s.cc_dst, s.cc_src, s.cc_src2, s.rflags);
}

uint64_t CpuidHelper(jit::ExecEnv* env, uint64_t, uint64_t) {
  CpuState& s = State(env);
  const auto leaf = static_cast<uint32_t>(s.gpr[kRax]);
  CpuidResult r = Cpuid(leaf, static_cast<uint32_t>(s.gpr[kRcx]));
  // OSXSAVE reflects CR4.OSXSAVE (SDM Vol. 2A Table 3-10, bit 27).
  if (leaf == 1 && (s.cr4 & (1 << 18))) r.ecx |= 1u << 27;
  // 32-bit results zero-extend into the 64-bit registers (SDM Vol. 2A CPUID).
  s.gpr[kRax] = r.eax;
  s.gpr[kRbx] = r.ebx;
  s.gpr[kRcx] = r.ecx;
  s.gpr[kRdx] = r.edx;
  return 0;
}

uint64_t RdtscHelper(jit::ExecEnv* env, uint64_t, uint64_t) {
  CpuState& s = State(env);
  constexpr uint64_t kCr4Tsd = 1 << 2;
  if ((s.cr4 & kCr4Tsd) && s.cpl != 0) {  // SDM Vol. 2B RDTSC: #GP(0) if CR4.TSD and CPL > 0
    TheCpu(env).RaiseException(kGP, true, 0);
    return 0;
  }
  // A 1 GHz invariant TSC: nanoseconds of host monotonic time plus the guest's offset.
  uint64_t ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  uint64_t tsc = ns + s.tsc_offset;
  s.gpr[kRax] = tsc & 0xFFFFFFFF;
  s.gpr[kRdx] = tsc >> 32;
  return 0;
}

/// DIV/IDIV (SDM Vol. 2A): the dividend is rDX:rAX (AX for byte division); #DE on a zero
/// divisor or a quotient that does not fit.
uint64_t DivideHelper(jit::ExecEnv* env, uint64_t divisor, uint64_t how) {
  CpuState& s = State(env);
  const unsigned size_log2 = how & 3;
  const bool is_signed = how & 4;
  const unsigned bits = 8u << size_log2;
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  divisor &= mask;
  if (divisor == 0) {
    TheCpu(env).RaiseException(kDE);
    return 0;
  }
  unsigned __int128 dividend;
  if (bits == 8) {
    dividend = s.gpr[kRax] & 0xFFFF;
  } else {
    dividend = (static_cast<unsigned __int128>(s.gpr[kRdx] & mask) << bits) | (s.gpr[kRax] & mask);
  }
  uint64_t quotient, remainder;
  if (!is_signed) {
    unsigned __int128 q = dividend / divisor;
    if (q > mask) {
      TheCpu(env).RaiseException(kDE);
      return 0;
    }
    quotient = static_cast<uint64_t>(q);
    remainder = static_cast<uint64_t>(dividend % divisor);
  } else {
    // Sign-extend the 2*bits-wide dividend and the divisor.
    unsigned total = 2 * bits;
    __int128 sd;
    if (total == 128) {
      sd = static_cast<__int128>(dividend);
    } else {
      unsigned __int128 sign = static_cast<unsigned __int128>(1) << (total - 1);
      sd = static_cast<__int128>((dividend ^ sign) - sign);
    }
    int64_t sv = static_cast<int64_t>(
        ((divisor ^ (uint64_t{1} << (bits - 1))) - (uint64_t{1} << (bits - 1))));
    if (bits == 64) sv = static_cast<int64_t>(divisor);
    // The one quotient that overflows __int128 arithmetic (-2^127 / -1) is also a #DE.
    if (sv == -1 && total == 128 &&
        sd == static_cast<__int128>(static_cast<unsigned __int128>(1) << 127)) {
      TheCpu(env).RaiseException(kDE);
      return 0;
    }
    __int128 q = sd / sv;
    __int128 r = sd % sv;
    __int128 max = (static_cast<__int128>(1) << (bits - 1)) - 1;
    __int128 min = -(static_cast<__int128>(1) << (bits - 1));
    if (q > max || q < min) {
      TheCpu(env).RaiseException(kDE);
      return 0;
    }
    quotient = static_cast<uint64_t>(q) & mask;
    remainder = static_cast<uint64_t>(r) & mask;
  }
  auto put = [&](unsigned reg, uint64_t v) {
    if (bits == 32)
      s.gpr[reg] = v;  // 32-bit results zero the upper half
    else if (bits == 64)
      s.gpr[reg] = v;
    else
      s.gpr[reg] = (s.gpr[reg] & ~mask) | v;
  };
  if (bits == 8) {
    s.gpr[kRax] = (s.gpr[kRax] & ~uint64_t{0xFFFF}) | quotient | (remainder << 8);
  } else {
    put(kRax, quotient);
    put(kRdx, remainder);
  }
  return 0;
}

uint64_t HaltHelper(jit::ExecEnv* env, uint64_t, uint64_t) {
  TheCpu(env).set_halted(true);
  return 0;
}

const jit::HelperInfo kHelpers[] = {
    {"raise_exception", RaiseExceptionHelper, true},
    {"compute_flags", ComputeFlagsHelper, false},
    {"eval_condition", EvalConditionHelper, false},
    {"cpuid", CpuidHelper, false},
    {"rdtsc", RdtscHelper, true},
    {"divide", DivideHelper, true},
    {"halt", HaltHelper, false, true},
    {"pdep", PdepHelper, false},
    {"pext", PextHelper, false},
    {"cmpxchg16b", Cmpxchg16bHelper, true},
    {"string_op", StringOpHelper, true},
    {"load_segment", LoadSegmentHelper, true, true},
    {"x87", X87Helper, true},
    {"vector", VectorHelper, true},
    {"fpu_state", FpuStateHelper, true},
    {"software_interrupt", SoftwareInterruptHelper, true, true},
    {"interrupt_return", InterruptReturnHelper, true, true},
    {"far_transfer", FarTransferHelper, true, true},
    {"system", SystemHelper, true, true},
};
static_assert(sizeof(kHelpers) / sizeof(kHelpers[0]) == static_cast<size_t>(HelperId::kCount));

}  // namespace

const jit::HelperInfo* HelperTable() { return kHelpers; }

}  // namespace vireo::x86
