#include "cpu/x86/cpu.h"
#include "cpu/x86/helpers.h"
#include "cpu/x86/translate_families.h"

namespace vireo::x86 {

uint64_t PdepHelper(jit::ExecEnv* env, uint64_t, uint64_t) {
  // Placeholder until the family is implemented: the instruction is not translated yet.
  static_cast<Cpu*>(env->cpu)->RaiseException(kUD);
  return 0;
}

uint64_t PextHelper(jit::ExecEnv* env, uint64_t, uint64_t) {
  // Placeholder until the family is implemented: the instruction is not translated yet.
  static_cast<Cpu*>(env->cpu)->RaiseException(kUD);
  return 0;
}

void RegisterBits(HandlerTable&) {}

}  // namespace vireo::x86
