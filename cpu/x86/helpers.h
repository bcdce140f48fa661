#pragma once
// The helper table the IR calls through CallHelper (ids in translator.h's HelperId).

#include "jit/exec_env.h"

namespace vireo::x86 {

/// The table, indexed by HelperId.
const jit::HelperInfo* HelperTable();

/// Helpers implemented next to their instruction family (translate_*.cpp).
uint64_t PdepHelper(jit::ExecEnv* env, uint64_t source, uint64_t mask);
uint64_t PextHelper(jit::ExecEnv* env, uint64_t source, uint64_t mask);
uint64_t Cmpxchg16bHelper(jit::ExecEnv* env, uint64_t linear, uint64_t bytes);
uint64_t StringOpHelper(jit::ExecEnv* env, uint64_t descriptor, uint64_t unused);
uint64_t X87Helper(jit::ExecEnv* env, uint64_t op, uint64_t operand);
uint64_t VectorHelper(jit::ExecEnv* env, uint64_t op, uint64_t operand);
uint64_t FpuStateHelper(jit::ExecEnv* env, uint64_t op, uint64_t address);
uint64_t SystemHelper(jit::ExecEnv* env, uint64_t op, uint64_t operand);

/// CPUID for a leaf/subleaf (cpuid.cpp): the values this vCPU reports.
struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};
CpuidResult Cpuid(uint32_t leaf, uint32_t subleaf);

}  // namespace vireo::x86
