#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

void RegisterStack(HandlerTable&) {}

}  // namespace vireo::x86
