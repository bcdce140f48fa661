#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

void RegisterMulDiv(HandlerTable&) {}

}  // namespace vireo::x86
