// Host x87 oracle for the tests (x86-64 only; see host_x87.h).
#include "tests/unit/x87/host_x87.h"

#if defined(__x86_64__)

#include <cstring>

namespace vireo::x87::test {
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

#define VIREO_X87_CLOBBERS \
  "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)", "memory"

#define VIREO_X87_STACK_OP(INSN)                                                    \
  asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\tfnclex\n\t" INSN \
               "\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfstpt %[r2]\n\tfninit\n\t"        \
               : [sw] "=m"(sw), [r] "=m"(r), [r2] "=m"(r2)                          \
               : [cw] "m"(control), [a] "m"(ma), [b] "m"(mb)                        \
               : VIREO_X87_CLOBBERS)

}  // namespace

HostResult HostStackOp(HostOp op, F80 a, F80 b, uint16_t control) {
  const M80 ma = ToM80(a), mb = ToM80(b);
  M80 r{}, r2{};
  uint16_t sw = 0;
  switch (op) {
    case HostOp::kAdd:
      VIREO_X87_STACK_OP("fadd %%st(1), %%st");
      break;
    case HostOp::kSub:
      VIREO_X87_STACK_OP("fsub %%st(1), %%st");
      break;
    case HostOp::kMul:
      VIREO_X87_STACK_OP("fmul %%st(1), %%st");
      break;
    case HostOp::kDiv:
      VIREO_X87_STACK_OP("fdiv %%st(1), %%st");
      break;
    case HostOp::kSqrt:
      VIREO_X87_STACK_OP("fsqrt");
      break;
    case HostOp::kRndint:
      VIREO_X87_STACK_OP("frndint");
      break;
    case HostOp::kScale:
      VIREO_X87_STACK_OP("fscale");
      break;
    case HostOp::kPrem:
      VIREO_X87_STACK_OP("fprem");
      break;
    case HostOp::kPrem1:
      VIREO_X87_STACK_OP("fprem1");
      break;
    case HostOp::kXtract:
      VIREO_X87_STACK_OP("fxtract");
      break;
  }
  return HostResult{FromM80(r), FromM80(r2), sw};
}

#define VIREO_X87_NOWAIT_OP(INSN)                                                   \
  asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\tfnclex\n\t" INSN \
               "\n\tfnstsw %[sw]\n\tfnsave %[image]\n\tfninit\n\t"                  \
               : [sw] "=m"(sw), [image] "=m"(image)                                 \
               : [cw] "m"(control), [a] "m"(ma), [b] "m"(mb)                        \
               : VIREO_X87_CLOBBERS)

HostResult HostStackOpNoWait(HostOp op, F80 a, F80 b, uint16_t control) {
  const M80 ma = ToM80(a), mb = ToM80(b);
  struct {
    uint8_t bytes[108];
  } image{};
  uint16_t sw = 0;
  switch (op) {
    case HostOp::kAdd:
      VIREO_X87_NOWAIT_OP("fadd %%st(1), %%st");
      break;
    case HostOp::kSub:
      VIREO_X87_NOWAIT_OP("fsub %%st(1), %%st");
      break;
    case HostOp::kMul:
      VIREO_X87_NOWAIT_OP("fmul %%st(1), %%st");
      break;
    case HostOp::kDiv:
      VIREO_X87_NOWAIT_OP("fdiv %%st(1), %%st");
      break;
    case HostOp::kSqrt:
      VIREO_X87_NOWAIT_OP("fsqrt");
      break;
    case HostOp::kScale:
      VIREO_X87_NOWAIT_OP("fscale");
      break;
    case HostOp::kPrem:
      VIREO_X87_NOWAIT_OP("fprem");
      break;
    case HostOp::kPrem1:
      VIREO_X87_NOWAIT_OP("fprem1");
      break;
    default:
      break;
  }
  // 32-bit protected-mode FNSAVE image: 28 bytes of environment, then ST(0)..ST(7).
  M80 r{}, r2{};
  std::memcpy(r.bytes, image.bytes + 28, 10);
  std::memcpy(r2.bytes, image.bytes + 38, 10);
  return HostResult{FromM80(r), FromM80(r2), sw};
}

void HostCompare(F80 a, F80 b, bool quiet, uint16_t control, uint16_t* status, uint16_t* flags,
                 uint16_t* comi_status) {
  const M80 ma = ToM80(a), mb = ToM80(b);
  M80 r{}, r2{};
  uint16_t sw = 0;
  if (quiet) {
    VIREO_X87_STACK_OP("fucom %%st(1)");
  } else {
    VIREO_X87_STACK_OP("fcom %%st(1)");
  }
  *status = sw;
  uint16_t ax = 0;
  if (quiet) {
    asm volatile(
        "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\tfnclex\n\t"
        "fucomi %%st(1), %%st\n\tlahf\n\tmov %%ax, %[f]\n\tfnstsw %%ax\n\tfninit\n\t"
        : [f] "=m"(*flags), "=a"(ax)
        : [cw] "m"(control), [a] "m"(ma), [b] "m"(mb)
        : VIREO_X87_CLOBBERS, "cc");
  } else {
    asm volatile(
        "fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\tfnclex\n\t"
        "fcomi %%st(1), %%st\n\tlahf\n\tmov %%ax, %[f]\n\tfnstsw %%ax\n\tfninit\n\t"
        : [f] "=m"(*flags), "=a"(ax)
        : [cw] "m"(control), [a] "m"(ma), [b] "m"(mb)
        : VIREO_X87_CLOBBERS, "cc");
  }
  *comi_status = ax;
}

#define VIREO_X87_STORE(INSN, OUT)                                     \
  asm volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\tfnclex\n\t" INSN \
               " %[o]\n\t"                                             \
               "fnstsw %[sw]\n\tfninit\n\t"                            \
               : [sw] "=m"(sw), [o] "=m"(OUT)                          \
               : [cw] "m"(control), [a] "m"(ma)                        \
               : VIREO_X87_CLOBBERS)

int64_t HostToInt(F80 a, int bits, bool truncate, uint16_t control, uint16_t* status) {
  const M80 ma = ToM80(a);
  uint16_t sw = 0;
  int16_t r16 = 0;
  int32_t r32 = 0;
  int64_t r64 = 0;
  if (truncate) {
    if (bits == 16) VIREO_X87_STORE("fisttps", r16);
    if (bits == 32) VIREO_X87_STORE("fisttpl", r32);
    if (bits == 64) VIREO_X87_STORE("fisttpll", r64);
  } else {
    if (bits == 16) VIREO_X87_STORE("fistps", r16);
    if (bits == 32) VIREO_X87_STORE("fistpl", r32);
    if (bits == 64) VIREO_X87_STORE("fistpll", r64);
  }
  *status = sw;
  return bits == 16 ? r16 : bits == 32 ? r32 : r64;
}

uint32_t HostToFloat32(F80 a, uint16_t control, uint16_t* status) {
  const M80 ma = ToM80(a);
  uint16_t sw = 0;
  uint32_t out = 0;
  VIREO_X87_STORE("fstps", out);
  *status = sw;
  return out;
}

uint64_t HostToFloat64(F80 a, uint16_t control, uint16_t* status) {
  const M80 ma = ToM80(a);
  uint16_t sw = 0;
  uint64_t out = 0;
  VIREO_X87_STORE("fstpl", out);
  *status = sw;
  return out;
}

void HostToBcd(F80 a, uint16_t control, uint8_t out[10], uint16_t* status) {
  const M80 ma = ToM80(a);
  uint16_t sw = 0;
  M80 o{};
  VIREO_X87_STORE("fbstp", o);
  std::memcpy(out, o.bytes, 10);
  *status = sw;
}

#define VIREO_X87_LOAD(INSN, IN)                                   \
  asm volatile("fninit\n\tfldcw %[cw]\n\t" INSN                    \
               " %[i]\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfninit\n\t" \
               : [sw] "=m"(sw), [r] "=m"(r)                        \
               : [cw] "m"(control), [i] "m"(IN)                    \
               : VIREO_X87_CLOBBERS)

F80 HostFromFloat32(uint32_t v, uint16_t control, uint16_t* status) {
  uint16_t sw = 0;
  M80 r{};
  VIREO_X87_LOAD("flds", v);
  *status = sw;
  return FromM80(r);
}

F80 HostFromFloat64(uint64_t v, uint16_t control, uint16_t* status) {
  uint16_t sw = 0;
  M80 r{};
  VIREO_X87_LOAD("fldl", v);
  *status = sw;
  return FromM80(r);
}

F80 HostLoad80(F80 a, uint16_t control, uint16_t* status) {
  const M80 mi = ToM80(a);
  uint16_t sw = 0;
  M80 r{};
  VIREO_X87_LOAD("fldt", mi);
  *status = sw;
  return FromM80(r);
}

uint16_t HostExamine(F80 a) {
  const M80 ma = ToM80(a), mb = ma;
  M80 r{}, r2{};
  uint16_t sw = 0, control = 0x037F;
  VIREO_X87_STACK_OP("fxam");
  return sw;
}

uint16_t HostTest(F80 a, uint16_t control) {
  const M80 ma = ToM80(a), mb = ma;
  M80 r{}, r2{};
  uint16_t sw = 0;
  VIREO_X87_STACK_OP("ftst");
  return sw;
}

F80 HostFromBcd(const uint8_t in[10]) {
  M80 mi{};
  std::memcpy(mi.bytes, in, 10);
  uint16_t sw = 0, control = 0x037F;
  M80 r{};
  VIREO_X87_LOAD("fbld", mi);
  return FromM80(r);
}

}  // namespace vireo::x87::test

#endif
