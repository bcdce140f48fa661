#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

void RegisterAtomic(HandlerTable&) {}

}  // namespace vireo::x86
