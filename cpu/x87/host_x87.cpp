// x86-64 host backend of the transcendentals: runs the instruction on the host's x87 under the
// guest's precision/rounding control with every exception masked (the caller raises #MF for the
// guest's unmasked ones), and returns the results and the status word bits. Compiled on
// x86-64 hosts only (cpu/x87/meson.build); the portable path is in transcendental.cpp.
#include <cstring>

#include "cpu/x87/internal.h"
#include "cpu/x87/transcendental.h"

namespace vireo::x87::detail {
namespace {

struct alignas(16) M80 {
  uint8_t bytes[16];
};
M80 ToM80(F80 v) {
  M80 m{};
  std::memcpy(m.bytes, &v.significand, 8);
  std::memcpy(m.bytes + 8, &v.sign_exponent, 2);
  return m;
}
F80 FromM80(const M80& m) {
  F80 v{};
  std::memcpy(&v.significand, m.bytes, 8);
  std::memcpy(&v.sign_exponent, m.bytes + 8, 2);
  return v;
}

// FNINIT gives an empty stack; the host's control word is saved and restored around the
// instruction. Two stores pop whatever the instruction left (storing an empty register is
// harmless after FNSTSW has captured the status).
#define VIREO_HOST_X87(INSN)                                                                 \
  asm volatile("fnstcw %[saved]\n\tfninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" INSN \
               "\n\tfnstsw %[sw]\n\tfstpt %[r0]\n\tfstpt %[r1]\n\tfninit\n\tfldcw %[saved]"  \
               : [sw] "=m"(sw), [r0] "=m"(r0), [r1] "=m"(r1), [saved] "=m"(saved)            \
               : [cw] "m"(control), [a] "m"(ma), [b] "m"(mb)                                 \
               : "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "memory")

}  // namespace

TranscendentalResult HostTranscendental(Transcendental op, F80 st0, F80 st1, Env& env) {
  const M80 ma = ToM80(st0), mb = ToM80(st1);
  const uint16_t control = env.control | 0x3F;
  M80 r0{}, r1{};
  uint16_t sw = 0, saved = 0;
  switch (op) {
    case Transcendental::kSin:
      VIREO_HOST_X87("fsin");
      break;
    case Transcendental::kCos:
      VIREO_HOST_X87("fcos");
      break;
    case Transcendental::kSinCos:
      VIREO_HOST_X87("fsincos");
      break;
    case Transcendental::kTan:
      VIREO_HOST_X87("fptan");
      break;
    case Transcendental::kAtan:
      VIREO_HOST_X87("fpatan");
      break;
    case Transcendental::kExp2M1:
      VIREO_HOST_X87("f2xm1");
      break;
    case Transcendental::kYLog2X:
      VIREO_HOST_X87("fyl2x");
      break;
    case Transcendental::kYLog2XP1:
      VIREO_HOST_X87("fyl2xp1");
      break;
  }
  env.status =
      static_cast<uint16_t>((env.status & ~(kC1 | kC2)) | (sw & (kExceptionFlags | kC1 | kC2)));
  const bool pushes = op == Transcendental::kSinCos || op == Transcendental::kTan;
  TranscendentalResult result{FromM80(r0), FromM80(r1), pushes && !(sw & kC2)};
  return result;
}

}  // namespace vireo::x87::detail
