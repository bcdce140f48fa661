#include "cpu/x86/fpu_state.h"

#include <cstring>

#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/x87_ops.h"
#include "cpu/x87/x87.h"

namespace vireo::x86 {

namespace {

// Legacy-region offsets (SDM Vol. 1 10.5.1, Table 10-2).
constexpr unsigned kFcw = 0, kFsw = 2, kFtw = 4, kFop = 6, kFip = 8, kFcs = 12, kFdp = 16,
                   kFds = 20, kMxcsr = 24, kMxcsrMaskAt = 28, kSt = 32, kXmm = 160;

template <typename T>
void Put(uint8_t* image, unsigned at, T v) {
  std::memcpy(image + at, &v, sizeof v);
}
template <typename T>
T Get(const uint8_t* image, unsigned at) {
  T v;
  std::memcpy(&v, image + at, sizeof v);
  return v;
}

unsigned Top(const FpuState& f) { return (f.fsw >> 11) & 7; }

/// The x87 component: bytes 0-23 and 32-159. The 32-bit layout keeps FCS/FDS in bytes 12/20,
/// the REX.W layout has 64-bit FIP/FDP (Vol. 1 Tables 10-2, 10-3). Reserved bytes are zero.
void SaveX87(const FpuState& f, uint8_t* image, bool wide) {
  Put<uint16_t>(image, kFcw, f.fcw);
  Put<uint16_t>(image, kFsw, f.fsw);
  Put<uint16_t>(image, kFtw, AbridgedTags(f));  // byte 5 reserved
  Put<uint16_t>(image, kFop, f.fop & 0x7FF);
  if (wide) {
    Put<uint64_t>(image, kFip, f.fip);
    Put<uint64_t>(image, kFdp, f.fdp);
  } else {
    Put<uint64_t>(image, kFip, static_cast<uint32_t>(f.fip) | uint64_t{f.fcs} << 32);
    Put<uint64_t>(image, kFdp, static_cast<uint32_t>(f.fdp) | uint64_t{f.fds} << 32);
  }
  // ST(0)..ST(7) in stack order, 16-byte slots (the upper 6 bytes reserved).
  for (unsigned i = 0; i < 8; ++i) {
    const X87Register& r = f.st[(Top(f) + i) & 7];
    Put<uint64_t>(image, kSt + 16 * i, r.significand);
    Put<uint64_t>(image, kSt + 16 * i + 8, r.sign_exponent);
  }
}

void SaveMxcsr(const FpuState& f, uint8_t* image) {
  Put<uint32_t>(image, kMxcsr, f.mxcsr);
  Put<uint32_t>(image, kMxcsrMaskAt, kMxcsrMask);
}

void SaveXmm(const FpuState& f, uint8_t* image, bool mode64) {
  std::memcpy(image + kXmm, f.xmm, 16 * (mode64 ? 16 : 8));
}

void LoadX87(FpuState& f, const uint8_t* image, bool wide) {
  f.fcw = Get<uint16_t>(image, kFcw);
  f.fsw = Get<uint16_t>(image, kFsw);
  f.fop = Get<uint16_t>(image, kFop) & 0x7FF;
  if (wide) {
    f.fip = Get<uint64_t>(image, kFip);
    f.fdp = Get<uint64_t>(image, kFdp);
  } else {
    f.fip = Get<uint32_t>(image, kFip);
    f.fcs = Get<uint16_t>(image, kFcs);
    f.fdp = Get<uint32_t>(image, kFdp);
    f.fds = Get<uint16_t>(image, kFds);
  }
  for (unsigned i = 0; i < 8; ++i) {
    X87Register& r = f.st[(Top(f) + i) & 7];
    r.significand = Get<uint64_t>(image, kSt + 16 * i);
    r.sign_exponent = Get<uint16_t>(image, kSt + 16 * i + 8);
  }
  RestoreAbridgedTags(f, image[kFtw]);
}

void LoadXmm(FpuState& f, const uint8_t* image, bool mode64) {
  std::memcpy(f.xmm, image + kXmm, 16 * (mode64 ? 16 : 8));
}

/// The initial configurations (Vol. 1 13.6): FNINIT's x87 state, and zero XMM registers.
void InitX87(FpuState& f) {
  InitX87Control(f);
  for (X87Register& r : f.st) r.significand = r.sign_exponent = 0;
}

/// XINUSE (Vol. 1 13.6): a component is reported in use unless it is in its initial
/// configuration (the processor may also report 1; this vCPU tracks it exactly).
uint64_t InUse(const FpuState& f) {
  bool x87_init = f.fcw == 0x037F && f.fsw == 0 && f.ftw == 0xFFFF && f.fop == 0 && f.fip == 0 &&
                  f.fdp == 0 && f.fcs == 0 && f.fds == 0;
  for (const X87Register& r : f.st)
    x87_init = x87_init && r.significand == 0 && r.sign_exponent == 0;
  bool sse_init = true;
  for (const XmmRegister& x : f.xmm) sse_init = sse_init && x.lo == 0 && x.hi == 0;
  return (x87_init ? 0 : 1) | (sse_init ? 0 : 2);
}

}  // namespace

uint64_t FpuStateHelper(jit::ExecEnv* env, uint64_t a, uint64_t) {
  auto& cpu = *static_cast<Cpu*>(env->cpu);
  CpuState& s = *static_cast<CpuState*>(env->state);
  FpuState& f = s.fpu;
  uint8_t* image = f.image;
  const bool wide = a & kFpuStateWide, mode64 = a & kFpuStateMode64;
  const uint64_t rfbm = f.xcr0 & ((s.gpr[kRdx] << 32) | static_cast<uint32_t>(s.gpr[kRax]));
  switch (static_cast<FpuStateOp>(a & 0xFF)) {
    case FpuStateOp::kFxsave:
      SaveX87(f, image, wide);
      SaveMxcsr(f, image);
      SaveXmm(f, image, mode64);
      return 0;
    case FpuStateOp::kFxrstor: {
      // #GP(0) on reserved MXCSR bits, before anything changes (SDM FXRSTOR).
      const uint32_t mxcsr = Get<uint32_t>(image, kMxcsr);
      if (mxcsr & ~kMxcsrMask) {
        cpu.RaiseException(kGP, true, 0);
        return 0;
      }
      LoadX87(f, image, wide);
      f.mxcsr = mxcsr;
      LoadXmm(f, image, mode64);
      return 0;
    }
    case FpuStateOp::kXsave: {
      // Vol. 1 13.7: components outside RFBM keep the memory's contents (staged here by the
      // translator); XSTATE_BV[i] = XINUSE[i] for i in RFBM. MXCSR goes with SSE (RFBM[1];
      // RFBM[2] is never set without AVX).
      if (rfbm & 1) SaveX87(f, image, wide);
      if (rfbm & 2) {
        SaveMxcsr(f, image);
        SaveXmm(f, image, mode64);
      }
      const uint64_t bv = Get<uint64_t>(image, kXsaveHeader);
      Put<uint64_t>(image, kXsaveHeader, (bv & ~rfbm) | (InUse(f) & rfbm));
      return 0;
    }
    case FpuStateOp::kXrstor: {
      // Standard form (Vol. 1 13.8.1): #GP if XCOMP_BV or bytes 16-23 of the header are not
      // zero (the compacted form needs XSAVEC, not reported), if XSTATE_BV sets a bit outside
      // XCR0, or if MXCSR is to be loaded with a reserved bit set.
      const uint64_t bv = Get<uint64_t>(image, kXsaveHeader);
      const uint64_t comp = Get<uint64_t>(image, kXsaveHeader + 8);
      const uint64_t rsvd = Get<uint64_t>(image, kXsaveHeader + 16);
      const uint32_t mxcsr = Get<uint32_t>(image, kMxcsr);
      if (comp != 0 || rsvd != 0 || (bv & ~f.xcr0) || ((rfbm & 2) && (mxcsr & ~kMxcsrMask))) {
        cpu.RaiseException(kGP, true, 0);
        return 0;
      }
      if (rfbm & 1) {
        if (bv & 1)
          LoadX87(f, image, wide);
        else
          InitX87(f);
      }
      if (rfbm & 2) {
        // The standard form loads MXCSR whenever RFBM[1] is set, whatever XSTATE_BV[1] says.
        f.mxcsr = mxcsr;
        if (bv & 2)
          LoadXmm(f, image, mode64);
        else
          std::memset(f.xmm, 0, 16 * (mode64 ? 16 : 8));
      }
      return 0;
    }
    case FpuStateOp::kXgetbv: {
      // XGETBV (SDM Vol. 2C): ECX = 0 reads XCR0; ECX = 1 (XINUSE) needs XGETBV_ECX_1 in
      // CPUID.(0DH,1):EAX[2], not reported; anything else is #GP(0).
      if (static_cast<uint32_t>(s.gpr[kRcx]) != 0) {
        cpu.RaiseException(kGP, true, 0);
        return 0;
      }
      s.gpr[kRax] = static_cast<uint32_t>(f.xcr0);
      s.gpr[kRdx] = static_cast<uint32_t>(f.xcr0 >> 32);
      return 0;
    }
    case FpuStateOp::kXsetbv: {
      // XSETBV (SDM Vol. 2C): CPL 0 only, ECX = 0, bit 0 (x87) set, no unsupported bit.
      const uint64_t v = (s.gpr[kRdx] << 32) | static_cast<uint32_t>(s.gpr[kRax]);
      if (s.cpl != 0 || static_cast<uint32_t>(s.gpr[kRcx]) != 0 || !(v & 1) ||
          (v & ~kXcr0Supported)) {
        cpu.RaiseException(kGP, true, 0);
        return 0;
      }
      f.xcr0 = v;
      return 0;
    }
  }
  return 0;
}

}  // namespace vireo::x86
