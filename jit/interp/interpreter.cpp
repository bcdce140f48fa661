#include "jit/interp/interpreter.h"

#include <cstring>
#include <stdexcept>

#include "jit/ir/semantics.h"

namespace vireo::jit {

namespace {

using ir::Opcode;
using ir::Type;

// Handler labels, in the order of this enum; Execute() publishes their addresses.
enum Handler : uint16_t {
  kLoadState8,
  kLoadState16,
  kLoadState32,
  kLoadState64,
  kStoreState8,
  kStoreState16,
  kStoreState32,
  kStoreState64,
  kLoadMem8,
  kLoadMem16,
  kLoadMem32,
  kLoadMem64,
  kStoreMem8,
  kStoreMem16,
  kStoreMem32,
  kStoreMem64,
  kAddH,
  kSubH,
  kAndH,
  kOrH,
  kXorH,
  kEqH,
  kNeH,
  kUltH,
  kUleH,
  kSelectH,
  kCopyH,
  kMaskH,
  kGenericH,
  kCallHelperH,
  kAtomicRmwH,
  kAtomicCmpXchgH,
  kTrapH,
  kEndH,
  kHandlerCount
};

const void* const* g_labels = nullptr;

RunResult Execute(const InterpBlock* block, ExecEnv* env);

const void* Label(Handler h) {
  if (g_labels == nullptr) Execute(nullptr, nullptr);
  return g_labels[h];
}

unsigned SizeIndex(Type t) {
  switch (t) {
    case Type::kU8:
      return 0;
    case Type::kU16:
      return 1;
    case Type::kU32:
      return 2;
    default:
      return 3;
  }
}

Handler HandlerFor(const ir::Inst& inst) {
  switch (inst.op) {
    case Opcode::kLoadState:
      return static_cast<Handler>(kLoadState8 + SizeIndex(inst.type));
    case Opcode::kStoreState:
      return static_cast<Handler>(kStoreState8 + SizeIndex(inst.args[0].type));
    case Opcode::kLoadMem:
      return static_cast<Handler>(kLoadMem8 + SizeIndex(inst.type));
    case Opcode::kStoreMem:
      return static_cast<Handler>(kStoreMem8 + SizeIndex(inst.args[1].type));
    case Opcode::kAdd:
      return kAddH;
    case Opcode::kSub:
      return kSubH;
    case Opcode::kAnd:
      return kAndH;
    case Opcode::kOr:
      return kOrH;
    case Opcode::kXor:
      return kXorH;
    case Opcode::kEq:
      return kEqH;
    case Opcode::kNe:
      return kNeH;
    case Opcode::kUlt:
      return kUltH;
    case Opcode::kUle:
      return kUleH;
    case Opcode::kSelect:
      return kSelectH;
    case Opcode::kZExt:
      return kCopyH;  // slots hold zero-extended values already
    case Opcode::kTrunc:
      return kMaskH;
    case Opcode::kCallHelper:
      return kCallHelperH;
    case Opcode::kAtomicRmw:
      return kAtomicRmwH;
    case Opcode::kAtomicCmpXchg:
      return kAtomicCmpXchgH;
    case Opcode::kTrap:
      return kTrapH;
    default:
      return kGenericH;
  }
}

// Slot layout: [0] is an always-zero slot for absent operands, then constants, then results.
RunResult Execute(const InterpBlock* block, ExecEnv* env) {
  static const void* const labels[kHandlerCount] = {
      &&LoadState8,  &&LoadState16,  &&LoadState32,  &&LoadState64,
      &&StoreState8, &&StoreState16, &&StoreState32, &&StoreState64,
      &&LoadMem8,    &&LoadMem16,    &&LoadMem32,    &&LoadMem64,
      &&StoreMem8,   &&StoreMem16,   &&StoreMem32,   &&StoreMem64,
      &&AddH,        &&SubH,         &&AndH,         &&OrH,
      &&XorH,        &&EqH,          &&NeH,          &&UltH,
      &&UleH,        &&SelectH,      &&CopyH,        &&MaskH,
      &&GenericH,    &&CallHelperH,  &&AtomicRmwH,   &&AtomicCmpXchgH,
      &&TrapH,       &&EndH};
  if (block == nullptr) {
    g_labels = labels;
    return {};
  }
  // Small blocks (the common case) keep their frame on the stack.
  uint64_t stack_frame[256];
  std::vector<uint64_t> heap_frame;
  uint64_t* s = stack_frame;
  if (block->frame_init.size() > 256) {
    heap_frame = block->frame_init;
    s = heap_frame.data();
  } else {
    std::memcpy(stack_frame, block->frame_init.data(), block->frame_init.size() * sizeof(uint64_t));
  }
  uint8_t* const state = static_cast<uint8_t*>(env->state);
  SoftTlb* const tlb = env->tlb;
  const InterpBlock::Op* op = block->ops.data();
  uint64_t pc;

#define NEXT() goto*(++op)->label
#define LOAD_STATE(bits)                        \
  {                                             \
    uint##bits##_t v;                           \
    std::memcpy(&v, state + op->imm, sizeof v); \
    s[op->dst] = v;                             \
  }                                             \
  NEXT();
#define STORE_STATE(bits)                                     \
  {                                                           \
    uint##bits##_t v = static_cast<uint##bits##_t>(s[op->a]); \
    std::memcpy(state + op->imm, &v, sizeof v);               \
  }                                                           \
  NEXT();
  // The TLB hit path: one compare on the page tag, one on the page offset (accesses that cross
  // a page take the slow path), then a host load at linear + addend.
#define LOAD_MEM(bits)                                                                \
  {                                                                                   \
    uint64_t addr = s[op->a];                                                         \
    const TlbEntry& e = tlb->entries[(addr >> kPageBits) & (kTlbEntries - 1)];        \
    if (e.read_tag == (addr & kPageMask) && (addr & ~kPageMask) <= 4096 - bits / 8) { \
      uint##bits##_t v;                                                               \
      std::memcpy(&v, reinterpret_cast<const void*>(addr + e.addend), sizeof v);      \
      s[op->dst] = v;                                                                 \
    } else if (!env->load_slow(env, addr, bits / 8, &s[op->dst])) {                   \
      goto Fault;                                                                     \
    }                                                                                 \
  }                                                                                   \
  NEXT();
#define STORE_MEM(bits)                                                                \
  {                                                                                    \
    uint64_t addr = s[op->a];                                                          \
    const TlbEntry& e = tlb->entries[(addr >> kPageBits) & (kTlbEntries - 1)];         \
    if (e.write_tag == (addr & kPageMask) && (addr & ~kPageMask) <= 4096 - bits / 8) { \
      uint##bits##_t v = static_cast<uint##bits##_t>(s[op->b]);                        \
      std::memcpy(reinterpret_cast<void*>(addr + e.addend), &v, sizeof v);             \
    } else if (!env->store_slow(env, addr, bits / 8, s[op->b])) {                      \
      goto Fault;                                                                      \
    }                                                                                  \
  }                                                                                    \
  NEXT();

  goto * op->label;

LoadState8:
  LOAD_STATE(8)
LoadState16:
  LOAD_STATE(16)
LoadState32:
  LOAD_STATE(32)
LoadState64:
  LOAD_STATE(64)
StoreState8:
  STORE_STATE(8)
StoreState16:
  STORE_STATE(16)
StoreState32:
  STORE_STATE(32)
StoreState64:
  STORE_STATE(64)
LoadMem8:
  LOAD_MEM(8)
LoadMem16:
  LOAD_MEM(16)
LoadMem32:
  LOAD_MEM(32)
LoadMem64:
  LOAD_MEM(64)
StoreMem8:
  STORE_MEM(8)
StoreMem16:
  STORE_MEM(16)
StoreMem32:
  STORE_MEM(32)
StoreMem64:
  STORE_MEM(64)
AddH:
  s[op->dst] = (s[op->a] + s[op->b]) & op->imm;
  NEXT();
SubH:
  s[op->dst] = (s[op->a] - s[op->b]) & op->imm;
  NEXT();
AndH:
  s[op->dst] = s[op->a] & s[op->b];
  NEXT();
OrH:
  s[op->dst] = s[op->a] | s[op->b];
  NEXT();
XorH:
  s[op->dst] = s[op->a] ^ s[op->b];
  NEXT();
EqH:
  s[op->dst] = s[op->a] == s[op->b];
  NEXT();
NeH:
  s[op->dst] = s[op->a] != s[op->b];
  NEXT();
UltH:
  s[op->dst] = s[op->a] < s[op->b];
  NEXT();
UleH:
  s[op->dst] = s[op->a] <= s[op->b];
  NEXT();
SelectH:
  s[op->dst] = s[op->a] ? s[op->b] : s[op->c];
  NEXT();
CopyH:
  s[op->dst] = s[op->a];
  NEXT();
MaskH:
  s[op->dst] = s[op->a] & op->imm;
  NEXT();
GenericH:
  s[op->dst] = ir::Evaluate(static_cast<Opcode>(op->pad), static_cast<Type>(op->type), s[op->a],
                            s[op->b], s[op->c], static_cast<Type>(op->from));
  NEXT();
CallHelperH : {
  const HelperInfo& h = env->helpers[op->imm];
  uint64_t r = h.fn(env, s[op->a], s[op->b]);
  s[op->dst] = r & ir::TypeMask(static_cast<Type>(op->type));
  if (h.may_fault && env->fault) goto Fault;
  NEXT();
}
AtomicRmwH:
  if (!AtomicRmw(env, static_cast<uint32_t>(op->imm), s[op->a], s[op->b],
                 ir::BitWidth(static_cast<Type>(op->type)) / 8, &s[op->dst]))
    goto Fault;
  NEXT();
AtomicCmpXchgH:
  if (!AtomicCmpXchg(env, s[op->a], s[op->b], s[op->c],
                     ir::BitWidth(static_cast<Type>(op->type)) / 8, &s[op->dst]))
    goto Fault;
  NEXT();
TrapH:
  if (s[op->a] != 0) {
    env->raise(env, op->imm);
    goto Fault;
  }
  NEXT();
EndH:
  switch (block->terminal) {
    case ir::Terminal::Kind::kJump:
      pc = block->target[0];
      std::memcpy(state + env->pc_offset, &pc, sizeof pc);
      return {RunResult::Kind::kNext, pc, 0};
    case ir::Terminal::Kind::kBranch: {
      int taken = s[block->cond_slot] ? 0 : 1;
      pc = block->target[taken];
      std::memcpy(state + env->pc_offset, &pc, sizeof pc);
      return {RunResult::Kind::kNext, pc, static_cast<int8_t>(taken)};
    }
    case ir::Terminal::Kind::kIndirect:
      pc = s[block->dest_slot];
      std::memcpy(state + env->pc_offset, &pc, sizeof pc);
      return {RunResult::Kind::kNext, pc, -1};
    case ir::Terminal::Kind::kExit:
      std::memcpy(&pc, state + env->pc_offset, sizeof pc);
      return {RunResult::Kind::kNext, pc, -1};
  }
  return {RunResult::Kind::kNext, 0, -1};
Fault:
  // Precise: the guest sees the faulting instruction's address; state written by earlier,
  // completed instructions stays (the translator orders each instruction's writes after its
  // faulting accesses).
  pc = block->guest_pc + op->guest_offset;
  std::memcpy(state + env->pc_offset, &pc, sizeof pc);
  return {RunResult::Kind::kFault, pc, -1};
#undef NEXT
#undef LOAD_STATE
#undef STORE_STATE
#undef LOAD_MEM
#undef STORE_MEM
}

}  // namespace

InterpBlock Interpreter::Compile(const ir::Block& block) {
  InterpBlock out;
  out.guest_pc = block.guest_pc;
  out.guest_insts = block.guest_insts;
  out.frame_init.push_back(0);  // slot 0: absent operand
  std::vector<uint16_t> slot_of(block.insts.size(), 0);
  auto slot = [&](const ir::Value& v) -> uint16_t {
    if (!v.valid()) return 0;
    if (v.is_inst()) return slot_of[v.index];
    out.frame_init.push_back(v.imm);
    return static_cast<uint16_t>(out.frame_init.size() - 1);
  };
  for (size_t i = 0; i < block.insts.size(); ++i) {
    const ir::Inst& inst = block.insts[i];
    if (inst.dead) continue;
    InterpBlock::Op op{};
    Handler h = HandlerFor(inst);
    op.label = Label(h);
    op.a = slot(inst.args[0]);
    op.b = slot(inst.args[1]);
    op.c = slot(inst.args[2]);
    op.type = static_cast<uint8_t>(inst.type);
    op.from = static_cast<uint8_t>(inst.args[0].type);
    op.guest_offset = inst.guest_offset;
    op.pad = static_cast<uint32_t>(inst.op);
    switch (inst.op) {
      case Opcode::kLoadState:
      case Opcode::kStoreState:
      case Opcode::kCallHelper:
      case Opcode::kAtomicRmw:
      case Opcode::kTrap:
        op.imm = inst.imm;
        break;
      default:
        op.imm = ir::TypeMask(inst.type);
        break;
    }
    if (ir::Info(inst.op).result != ir::Kind::kVoid && inst.type != Type::kVoid) {
      out.frame_init.push_back(0);
      op.dst = static_cast<uint16_t>(out.frame_init.size() - 1);
      slot_of[i] = op.dst;
    }
    if (out.frame_init.size() > UINT16_MAX)
      throw std::length_error("IR block too large for the interpreter");
    out.ops.push_back(op);
  }
  InterpBlock::Op end{};
  end.label = Label(kEndH);
  out.ops.push_back(end);
  out.terminal = block.terminal.kind;
  out.target[0] = block.terminal.target[0];
  out.target[1] = block.terminal.target[1];
  out.cond_slot = slot(block.terminal.cond);
  out.dest_slot = slot(block.terminal.dest);
  return out;
}

RunResult Interpreter::Run(const InterpBlock& block, ExecEnv& env) { return Execute(&block, &env); }

}  // namespace vireo::jit
