#include "cpu/x86/disasm.h"

#include <capstone/capstone.h>

#include <cstdio>

namespace vireo::x86 {

std::string Disassemble(std::span<const uint8_t> bytes, uint64_t address, CodeSize mode) {
  cs_mode cmode = mode == CodeSize::k64   ? CS_MODE_64
                  : mode == CodeSize::k32 ? CS_MODE_32
                                          : CS_MODE_16;
  csh handle;
  if (cs_open(CS_ARCH_X86, cmode, &handle) != CS_ERR_OK) return "(capstone unavailable)\n";
  std::string out;
  const uint8_t* code = bytes.data();
  size_t size = bytes.size();
  uint64_t addr = address;
  cs_insn* insn = cs_malloc(handle);
  char line[256];
  while (size > 0) {
    if (cs_disasm_iter(handle, &code, &size, &addr, insn)) {
      std::snprintf(line, sizeof line, "0x%016llx:  %s %s\n",
                    static_cast<unsigned long long>(insn->address), insn->mnemonic, insn->op_str);
    } else {
      std::snprintf(line, sizeof line, "0x%016llx:  (bad) %02x\n",
                    static_cast<unsigned long long>(addr), *code);
      ++code;
      --size;
      ++addr;
    }
    out += line;
  }
  cs_free(insn, 1);
  cs_close(&handle);
  return out;
}

}  // namespace vireo::x86
