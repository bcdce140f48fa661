// FCOM/FUCOM/FCOMI/FUCOMI/FTST (SDM Vol. 2 FCOM, FUCOM, FCOMI, FTST; IEEE 754-1985 5.7).
#include "cpu/x87/internal.h"

namespace vireo::x87 {

using namespace detail;

Order Compare(F80 a, F80 b, bool quiet, Env& env) {
  env.status &= ~(kC0 | kC1 | kC2 | kC3);
  const Kind ka = Classify(a), kb = Classify(b);
  Order order;
  if (ka == Kind::kUnsupported || kb == Kind::kUnsupported || ka == Kind::kSNaN ||
      kb == Kind::kSNaN) {
    env.status |= kIe;
    order = Order::kUnordered;
  } else if (IsNaN(ka) || IsNaN(kb)) {
    if (!quiet) env.status |= kIe;  // FCOM: any NaN is invalid
    order = Order::kUnordered;
  } else {
    if (IsDenormal(ka) || IsDenormal(kb)) env.status |= kDe;
    const bool za = ka == Kind::kZero, zb = kb == Kind::kZero;
    if (za && zb) {
      order = Order::kEqual;  // +0 == -0
    } else {
      const bool sa = SignOf(a), sb = SignOf(b);
      if (za || zb || sa != sb) {
        // Different signs, or one zero: the sign of the nonzero one decides.
        const bool a_negative = za ? !sb : sa;
        order = a_negative ? Order::kLess : Order::kGreater;
      } else {
        // Same sign, both nonzero: compare magnitudes (infinity has the largest exponent).
        int32_t ea = ka == Kind::kInfinity ? 1 << 20 : Unpack(a).exp;
        int32_t eb = kb == Kind::kInfinity ? 1 << 20 : Unpack(b).exp;
        const uint64_t ma = ka == Kind::kInfinity ? 0 : Unpack(a).sig;
        const uint64_t mb = kb == Kind::kInfinity ? 0 : Unpack(b).sig;
        int magnitude = ea != eb ? (ea < eb ? -1 : 1) : (ma != mb ? (ma < mb ? -1 : 1) : 0);
        if (sa) magnitude = -magnitude;
        order = magnitude == 0 ? Order::kEqual : magnitude < 0 ? Order::kLess : Order::kGreater;
      }
    }
  }
  switch (order) {
    case Order::kGreater:
      break;
    case Order::kLess:
      env.status |= kC0;
      break;
    case Order::kEqual:
      env.status |= kC3;
      break;
    case Order::kUnordered:
      env.status |= kC3 | kC2 | kC0;
      break;
  }
  return order;
}

uint32_t ComiFlags(Order order) {
  // ZF 0x40, PF 0x04, CF 0x01 (SDM Vol. 2 FCOMI Table 3-31).
  switch (order) {
    case Order::kGreater:
      return 0;
    case Order::kLess:
      return 0x01;
    case Order::kEqual:
      return 0x40;
    case Order::kUnordered:
      return 0x45;
  }
  return 0x45;
}

Order Test(F80 a, Env& env) { return Compare(a, F80{0, 0}, false, env); }

}  // namespace vireo::x87
