#include "cpu/x86/flags.h"

namespace vireo::x86 {

uint64_t ComputeArithFlags(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2) {
  auto kind = static_cast<CcKind>(cc_op / 4);
  ValueOps ops{8u << (cc_op % 4)};
  LazyFlags<ValueOps> f{ops, kind, ops.bits, dst & ops.mask(), src & ops.mask(), src2};
  return (f.Cf() ? kCf : 0) | (f.Pf() ? kPf : 0) | (f.Af() ? kAf : 0) | (f.Zf() ? kZf : 0) |
         (f.Sf() ? kSf : 0) | (f.Of() ? kOf : 0);
}

bool ConditionFromRflags(Cond cc, uint64_t rflags) {
  bool cf = rflags & kCf, zf = rflags & kZf, sf = rflags & kSf, of = rflags & kOf,
       pf = rflags & kPf;
  bool r = false;
  switch (cc & ~1) {
    case kO:
      r = of;
      break;
    case kB:
      r = cf;
      break;
    case kE:
      r = zf;
      break;
    case kBe:
      r = cf || zf;
      break;
    case kS:
      r = sf;
      break;
    case kP:
      r = pf;
      break;
    case kL:
      r = sf != of;
      break;
    case kLe:
      r = zf || sf != of;
      break;
  }
  return (cc & 1) ? !r : r;
}

bool EvaluateCondition(Cond cc, uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2,
                       uint64_t rflags) {
  auto kind = static_cast<CcKind>(cc_op / 4);
  if (kind == CcKind::kEflags) return ConditionFromRflags(cc, rflags);
  ValueOps ops{8u << (cc_op % 4)};
  LazyFlags<ValueOps> f{ops, kind, ops.bits, dst & ops.mask(), src & ops.mask(), src2};
  return f.Condition(cc);
}

}  // namespace vireo::x86
