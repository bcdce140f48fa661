#pragma once
// Capstone disassembly of guest code, for -d in_asm traces and the debugger. Capstone is the
// independent second opinion on the bytes; Vireo's own decoder is what executes them.

#include <cstdint>
#include <span>
#include <string>

#include "cpu/x86/decoded_inst.h"

namespace vireo::x86 {

/// One line per instruction: "0x0000000000100000:  add rax, rbx". Bytes Capstone cannot decode
/// are shown as "(bad)" with their hex value.
std::string Disassemble(std::span<const uint8_t> bytes, uint64_t address, CodeSize mode);

}  // namespace vireo::x86
