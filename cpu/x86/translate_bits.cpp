#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

void RegisterBits(HandlerTable&) {}

}  // namespace vireo::x86
