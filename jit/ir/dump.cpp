// Text form of the IR. One instruction a line:
//   %3:u32 = Add %1, 0x5:u32
//   StoreState 0x10, %3
// Immediate operands carry their type so the text parses back to the same block.

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "jit/ir/ir.h"

namespace vireo::ir {

namespace {

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string ValueText(const Value& v) {
  if (v.is_inst()) return "%" + std::to_string(v.index);
  return Hex(v.imm) + ":" + std::string(TypeName(v.type));
}

}  // namespace

std::string Dump(const Block& block) {
  std::ostringstream out;
  out << "block " << Hex(block.guest_pc) << " size " << block.guest_size << " insts "
      << block.guest_insts << "\n";
  for (size_t i = 0; i < block.insts.size(); ++i) {
    const Inst& inst = block.insts[i];
    if (inst.dead) continue;
    const OpInfo& info = Info(inst.op);
    out << "  ";
    if (info.result != Kind::kVoid && inst.type != Type::kVoid)
      out << "%" << i << ":" << TypeName(info.result == Kind::kU1 ? Type::kU1 : inst.type) << " = ";
    out << info.name;
    // Comparisons state the compared type, which their U1 result does not show.
    if (info.result == Kind::kU1) out << "." << TypeName(inst.type);
    unsigned value_arg = 0;
    bool first = true;
    for (Kind k : info.args) {
      if (k == Kind::kVoid) break;
      std::string text;
      if (k == Kind::kImm) {
        text = Hex(inst.imm);
      } else {
        const Value& v = inst.args[value_arg++];
        if (!v.valid()) continue;  // optional helper arguments
        text = ValueText(v);
      }
      out << (first ? " " : ", ") << text;
      first = false;
    }
    out << "  @" << inst.guest_offset << "\n";
  }
  const Terminal& t = block.terminal;
  switch (t.kind) {
    case Terminal::Kind::kJump:
      out << "  jump " << Hex(t.target[0]) << "\n";
      break;
    case Terminal::Kind::kBranch:
      out << "  branch " << ValueText(t.cond) << ", " << Hex(t.target[0]) << ", "
          << Hex(t.target[1]) << "\n";
      break;
    case Terminal::Kind::kIndirect:
      out << "  indirect " << ValueText(t.dest) << "\n";
      break;
    case Terminal::Kind::kExit:
      out << "  exit\n";
      break;
  }
  return out.str();
}

}  // namespace vireo::ir
