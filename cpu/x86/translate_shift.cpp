#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

void RegisterShift(HandlerTable&) {}

}  // namespace vireo::x86
