#include "jit/ir/opcodes.h"

#include "jit/ir/types.h"

namespace vireo::ir {

namespace {

constexpr Kind kT = Kind::kT, kA = Kind::kA, kU1 = Kind::kU1, kU8 = Kind::kU8, kU64 = Kind::kU64,
               kImm = Kind::kImm;
constexpr Kind T = kT, A = kA, U1 = kU1, U8 = kU8, U64 = kU64, Imm = kImm, Void = Kind::kVoid;

constexpr OpInfo kInfo[] = {
#define OPCODE(name, res, a0, a1, a2, props) {#name, res, {a0, a1, a2}, props},
#include "jit/ir/opcodes.inc"
#undef OPCODE
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == static_cast<size_t>(Opcode::kCount));

}  // namespace

const OpInfo& Info(Opcode op) { return kInfo[static_cast<size_t>(op)]; }

unsigned ArgCount(Opcode op) {
  const OpInfo& info = Info(op);
  unsigned n = 0;
  while (n < 3 && info.args[n] != Kind::kVoid) ++n;
  return n;
}

Opcode OpcodeByName(std::string_view name) {
  for (size_t i = 0; i < static_cast<size_t>(Opcode::kCount); ++i)
    if (kInfo[i].name == name) return static_cast<Opcode>(i);
  return Opcode::kCount;
}

std::string_view TypeName(Type t) {
  switch (t) {
    case Type::kVoid:
      return "void";
    case Type::kU1:
      return "u1";
    case Type::kU8:
      return "u8";
    case Type::kU16:
      return "u16";
    case Type::kU32:
      return "u32";
    case Type::kU64:
      return "u64";
  }
  return "?";
}

}  // namespace vireo::ir
