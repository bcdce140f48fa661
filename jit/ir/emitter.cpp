#include "jit/ir/emitter.h"

#include <cassert>
#include <stdexcept>

namespace vireo::ir {

Value IrEmitter::Emit(Opcode op, Type t, uint64_t imm, Value a, Value b, Value c) {
  Inst inst;
  inst.op = op;
  inst.type = t;
  inst.imm = imm;
  inst.guest_offset = guest_offset_;
  inst.args[0] = a;
  inst.args[1] = b;
  inst.args[2] = c;
  block_.insts.push_back(inst);
  Kind res = Info(op).result;
  if (res == Kind::kVoid) return {};
  Type result = res == Kind::kU1 ? Type::kU1 : t;
  return Value::Ref(static_cast<uint32_t>(block_.insts.size() - 1), result);
}

Value IrEmitter::Binary(Opcode op, Value a, Value b) {
  if (a.type != b.type)
    throw std::logic_error("IR: operand types differ in " + std::string(Info(op).name));
  return Emit(op, a.type, 0, a, b);
}

Value IrEmitter::Compare(Opcode op, Value a, Value b) {
  if (a.type != b.type)
    throw std::logic_error("IR: operand types differ in " + std::string(Info(op).name));
  return Emit(op, a.type, 0, a, b);
}

Value IrEmitter::N8(Value n) {
  if (n.type == Type::kU8) return n;
  if (n.is_imm()) return Imm8(n.imm > 255 ? 255 : n.imm);
  if (BitWidth(n.type) > 8) return Trunc(Type::kU8, n);
  return ZExt(Type::kU8, n);
}

Value IrEmitter::ZExt(Type t, Value a) {
  if (a.type == t) return a;
  if (a.is_imm()) return Imm(t, a.imm);
  if (BitWidth(a.type) > BitWidth(t)) return Trunc(t, a);
  return Emit(Opcode::kZExt, t, 0, a);
}

Value IrEmitter::SExt(Type t, Value a) {
  if (a.type == t) return a;
  if (BitWidth(a.type) > BitWidth(t)) return Trunc(t, a);
  return Emit(Opcode::kSExt, t, 0, a);
}

Value IrEmitter::Trunc(Type t, Value a) {
  if (a.type == t) return a;
  if (a.is_imm()) return Imm(t, a.imm);
  return Emit(Opcode::kTrunc, t, 0, a);
}

Value IrEmitter::Select(Value c, Value a, Value b) {
  if (a.type != b.type || c.type != Type::kU1)
    throw std::logic_error("IR: bad Select operand types");
  return Emit(Opcode::kSelect, a.type, 0, c, a, b);
}

Value IrEmitter::CallHelper(Type t, uint32_t id, Value a, Value b) {
  return Emit(Opcode::kCallHelper, t, id, a, b);
}

void IrEmitter::Jump(uint64_t target) {
  block_.terminal = {Terminal::Kind::kJump, {target, 0}, {}, {}};
}

void IrEmitter::Branch(Value cond, uint64_t taken, uint64_t not_taken) {
  if (cond.is_imm()) return Jump(cond.imm ? taken : not_taken);
  block_.terminal = {Terminal::Kind::kBranch, {taken, not_taken}, cond, {}};
}

void IrEmitter::Indirect(Value dest) {
  if (dest.is_imm()) return Jump(dest.imm);
  block_.terminal = {Terminal::Kind::kIndirect, {0, 0}, {}, dest};
}

void IrEmitter::Exit() { block_.terminal = {Terminal::Kind::kExit, {0, 0}, {}, {}}; }

size_t Block::LiveCount() const {
  size_t n = 0;
  for (const Inst& i : insts) n += i.dead ? 0 : 1;
  return n;
}

}  // namespace vireo::ir
