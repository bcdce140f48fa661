#include "jit/ir/passes.h"

#include <stdexcept>
#include <utility>
#include <vector>

#include "jit/ir/semantics.h"

namespace vireo::ir {

namespace {

/// Replacement values for instruction results; applied to later operands.
class Substitution {
 public:
  explicit Substitution(size_t n) : repl_(n) {}
  void Set(size_t index, Value v) { repl_[index] = v; }
  Value Apply(Value v) const {
    while (v.is_inst() && repl_[v.index].valid()) v = repl_[v.index];
    return v;
  }
  void ApplyTo(Inst& inst) const {
    for (Value& a : inst.args) a = Apply(a);
  }
  void ApplyToTerminal(Terminal& t) const {
    t.cond = Apply(t.cond);
    t.dest = Apply(t.dest);
  }

 private:
  std::vector<Value> repl_;
};

/// The operand kinds of `op` with the Imm slot skipped, i.e. what args[] hold.
std::vector<Kind> ValueArgKinds(Opcode op) {
  std::vector<Kind> kinds;
  for (Kind k : Info(op).args)
    if (k != Kind::kVoid && k != Kind::kImm) kinds.push_back(k);
  return kinds;
}

Type ResultType(const Inst& inst) {
  Kind r = Info(inst.op).result;
  if (r == Kind::kVoid) return Type::kVoid;
  return r == Kind::kU1 ? Type::kU1 : inst.type;
}

/// x op identity -> x, x op absorbing -> constant; returns an invalid Value if nothing applies.
Value Simplify(const Inst& inst) {
  const Value& a = inst.args[0];
  const Value& b = inst.args[1];
  auto is = [](const Value& v, uint64_t c) { return v.is_imm() && v.imm == c; };
  const uint64_t mask = TypeMask(inst.type);
  switch (inst.op) {
    case Opcode::kAdd:
    case Opcode::kOr:
    case Opcode::kXor:
      if (is(b, 0)) return a;
      if (is(a, 0)) return b;
      break;
    case Opcode::kSub:
    case Opcode::kShl:
    case Opcode::kLshr:
    case Opcode::kAshr:
    case Opcode::kRotl:
    case Opcode::kRotr:
      if (is(b, 0)) return a;
      break;
    case Opcode::kAnd:
      if (is(b, 0) || is(a, 0)) return Value::Imm(inst.type, 0);
      if (is(b, mask)) return a;
      if (is(a, mask)) return b;
      break;
    case Opcode::kMul:
      if (is(b, 1)) return a;
      if (is(a, 1)) return b;
      if (is(a, 0) || is(b, 0)) return Value::Imm(inst.type, 0);
      break;
    case Opcode::kSelect:
      if (a.is_imm()) return a.imm ? b : inst.args[2];
      if (b == inst.args[2]) return b;
      break;
    default:
      break;
  }
  return {};
}

}  // namespace

void ConstantFold(Block& block) {
  Substitution subst(block.insts.size());
  for (size_t i = 0; i < block.insts.size(); ++i) {
    Inst& inst = block.insts[i];
    if (inst.dead) continue;
    subst.ApplyTo(inst);
    if (inst.op == Opcode::kTrap && inst.args[0].is_imm() && inst.args[0].imm == 0) {
      inst.dead = true;  // a trap whose condition is known false never fires
      continue;
    }
    if (!(Info(inst.op).props & kPure)) continue;
    bool all_imm = true;
    size_t n = ValueArgKinds(inst.op).size();
    for (size_t a = 0; a < n; ++a) all_imm = all_imm && inst.args[a].is_imm();
    Value result;
    if (all_imm) {
      uint64_t v = Evaluate(inst.op, inst.type, inst.args[0].imm, inst.args[1].imm,
                            inst.args[2].imm, inst.args[0].type);
      result = Value::Imm(ResultType(inst), v);
    } else {
      result = Simplify(inst);
    }
    if (result.valid()) {
      subst.Set(i, result);
      inst.dead = true;
    }
  }
  subst.ApplyToTerminal(block.terminal);
}

void ForwardStateLoads(Block& block) {
  struct Known {
    uint64_t offset;
    Type type;
    Value value;
  };
  std::vector<Known> known;
  auto forget_overlaps = [&](uint64_t off, unsigned bytes) {
    std::erase_if(known, [&](const Known& k) {
      unsigned kb = BitWidth(k.type) / 8;
      return k.offset < off + bytes && off < k.offset + kb;
    });
  };
  Substitution subst(block.insts.size());
  for (size_t i = 0; i < block.insts.size(); ++i) {
    Inst& inst = block.insts[i];
    if (inst.dead) continue;
    subst.ApplyTo(inst);
    switch (inst.op) {
      case Opcode::kStoreState: {
        Type t = inst.args[0].type;
        forget_overlaps(inst.imm, BitWidth(t) / 8);
        known.push_back({inst.imm, t, inst.args[0]});
        break;
      }
      case Opcode::kLoadState: {
        bool found = false;
        for (const Known& k : known) {
          if (k.offset == inst.imm && k.type == inst.type) {
            subst.Set(i, k.value);
            inst.dead = true;
            found = true;
            break;
          }
        }
        if (!found)
          known.push_back({inst.imm, inst.type, Value::Ref(static_cast<uint32_t>(i), inst.type)});
        break;
      }
      default:
        if (Info(inst.op).props & kWritesState) known.clear();
        break;
    }
  }
  subst.ApplyToTerminal(block.terminal);
}

void EliminateDeadStateStores(Block& block) {
  // Walk backwards keeping the byte ranges that are certainly overwritten before anyone looks.
  std::vector<std::pair<uint64_t, uint64_t>> killed;  // [begin, end)
  for (size_t i = block.insts.size(); i-- > 0;) {
    Inst& inst = block.insts[i];
    if (inst.dead) continue;
    const uint8_t props = Info(inst.op).props;
    if (inst.op == Opcode::kStoreState) {
      uint64_t b = inst.imm, e = inst.imm + BitWidth(inst.args[0].type) / 8;
      bool covered = false;
      for (auto [kb, ke] : killed) covered = covered || (kb <= b && e <= ke);
      if (covered) {
        inst.dead = true;
      } else {
        killed.emplace_back(b, e);
      }
    } else if (inst.op == Opcode::kLoadState) {
      uint64_t b = inst.imm, e = inst.imm + BitWidth(inst.type) / 8;
      std::erase_if(killed, [&](auto r) { return r.first < e && b < r.second; });
    } else if (props & (kReadsState | kMayExit)) {
      killed.clear();  // a helper may read anything; an exit makes all state visible
    }
  }
}

void EliminateDeadCode(Block& block) {
  std::vector<uint32_t> uses(block.insts.size(), 0);
  auto count = [&](const Value& v, int delta) {
    if (v.is_inst()) uses[v.index] += delta;
  };
  for (const Inst& inst : block.insts)
    if (!inst.dead)
      for (const Value& a : inst.args) count(a, 1);
  count(block.terminal.cond, 1);
  count(block.terminal.dest, 1);
  for (size_t i = block.insts.size(); i-- > 0;) {
    Inst& inst = block.insts[i];
    if (inst.dead || uses[i] != 0) continue;
    // Loads of guest state have no side effects; memory loads may fault and must stay.
    bool removable = (Info(inst.op).props & kPure) || inst.op == Opcode::kLoadState;
    if (!removable) continue;
    inst.dead = true;
    for (const Value& a : inst.args) count(a, -1);
  }
}

std::string Verify(const Block& block) {
  auto fail = [](size_t i, const std::string& why) { return "%" + std::to_string(i) + ": " + why; };
  for (size_t i = 0; i < block.insts.size(); ++i) {
    const Inst& inst = block.insts[i];
    if (inst.dead) continue;
    const OpInfo& info = Info(inst.op);
    if (info.result == Kind::kT && inst.op != Opcode::kCallHelper && inst.type == Type::kVoid)
      return fail(i, std::string(info.name) + " needs a result type");
    auto kinds = ValueArgKinds(inst.op);
    for (size_t a = 0; a < 3; ++a) {
      const Value& v = inst.args[a];
      if (a >= kinds.size()) {
        if (v.valid()) return fail(i, "too many operands");
        continue;
      }
      if (!v.valid()) {
        if (inst.op == Opcode::kCallHelper) continue;  // optional arguments
        return fail(i, "missing operand " + std::to_string(a));
      }
      if (v.is_inst()) {
        if (v.index >= i)
          return fail(i, "uses %" + std::to_string(v.index) + " before it is defined");
        const Inst& def = block.insts[v.index];
        if (def.dead) return fail(i, "uses dead %" + std::to_string(v.index));
        if (ResultType(def) != v.type) return fail(i, "operand type does not match its definition");
      }
      Type want = Type::kVoid;
      switch (kinds[a]) {
        case Kind::kT:
          want = inst.type;
          break;
        case Kind::kU1:
          want = Type::kU1;
          break;
        case Kind::kU8:
          want = Type::kU8;
          break;
        case Kind::kU64:
          want = Type::kU64;
          break;
        default:
          break;  // kA: any integer type
      }
      if (want != Type::kVoid && v.type != want)
        return fail(i, std::string(info.name) + " operand " + std::to_string(a) + " is " +
                           std::string(TypeName(v.type)) + ", expected " +
                           std::string(TypeName(want)));
    }
  }
  const Terminal& t = block.terminal;
  if (t.kind == Terminal::Kind::kBranch && t.cond.type != Type::kU1)
    return "branch condition is not u1";
  if (t.kind == Terminal::Kind::kIndirect && t.dest.type != Type::kU64)
    return "indirect target is not u64";
  for (const Value* v : {&t.cond, &t.dest})
    if (v->is_inst() && (v->index >= block.insts.size() || block.insts[v->index].dead))
      return "terminal uses an undefined value";
  return "";
}

void Optimize(Block& block) {
  ConstantFold(block);
  ForwardStateLoads(block);
  ConstantFold(block);
  EliminateDeadStateStores(block);
  EliminateDeadCode(block);
  if (std::string problem = Verify(block); !problem.empty())
    throw std::logic_error("IR verifier: " + problem + "\n" + Dump(block));
}

}  // namespace vireo::ir
