#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

namespace {
HandlerTable BuildTable() {
  HandlerTable t;
  RegisterAlu(t);
  RegisterMove(t);
  RegisterBranch(t);
  RegisterMisc(t);
  RegisterShift(t);
  RegisterMulDiv(t);
  RegisterBits(t);
  RegisterString(t);
  RegisterStack(t);
  RegisterAtomic(t);
  RegisterX87(t);
  RegisterSse(t);
  RegisterSse4(t);
  RegisterFpuState(t);
  RegisterSystemFlow(t);
  RegisterSystem(t);
  return t;
}
}  // namespace

TranslateFn HandlerFor(Mnemonic m) {
  static const HandlerTable table = BuildTable();
  return table.Get(m);
}

}  // namespace vireo::x86
