#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

uint64_t VectorHelper(jit::ExecEnv* env, uint64_t, uint64_t) {
  // Placeholder until the family is implemented: nothing calls it yet.
  static_cast<Cpu*>(env->cpu)->RaiseException(kUD);
  return 0;
}

uint64_t FpuStateHelper(jit::ExecEnv* env, uint64_t, uint64_t) {
  // Placeholder until the family is implemented: nothing calls it yet.
  static_cast<Cpu*>(env->cpu)->RaiseException(kUD);
  return 0;
}

void RegisterSse(HandlerTable&) {}

}  // namespace vireo::x86
