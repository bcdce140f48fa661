#pragma once
// The helper table the IR calls through CallHelper (ids in translator.h's HelperId).

#include "jit/exec_env.h"

namespace vireo::x86 {

/// The table, indexed by HelperId.
const jit::HelperInfo* HelperTable();

/// CPUID for a leaf/subleaf (cpuid.cpp): the values this vCPU reports.
struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};
CpuidResult Cpuid(uint32_t leaf, uint32_t subleaf);

}  // namespace vireo::x86
