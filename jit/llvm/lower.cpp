#include "jit/llvm/lower.h"

#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/Intrinsics.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/Module.h>

#include <cstddef>
#include <map>
#include <stdexcept>

namespace vireo::jit {

namespace {

using ir::Opcode;
using IrType = ir::Type;

/// Width in bits a state or memory access of type `t` moves. U1 values are stored as 64-bit
/// slots, as the interpreter stores them (its slots are 64-bit).
unsigned AccessBits(IrType t) { return t == IrType::kU1 ? 64 : ir::BitWidth(t); }

class Lowerer {
 public:
  Lowerer(const Region& region, const LowerConfig& config, llvm::Module& module)
      : ctx_(module.getContext()), module_(module), b_(ctx_), region_(region), cfg_(config) {}

  llvm::Function* Run(const std::string& name, std::vector<uint64_t>* exit_targets);

 private:
  /// A promoted state slot: an alloca that mem2reg turns into SSA values.
  struct Slot {
    uint32_t offset, bytes;
    llvm::AllocaInst* var = nullptr;
    bool written = false;
  };
  enum Scope { kStateScope, kTlbScope, kGuestScope, kEnvScope, kScopeCount };

  llvm::Type* Ty(IrType t) {
    return t == IrType::kU1 ? b_.getInt1Ty() : b_.getIntNTy(ir::BitWidth(t));
  }
  llvm::Value* I64(uint64_t v) { return b_.getInt64(v); }
  llvm::PointerType* Ptr() { return llvm::PointerType::getUnqual(ctx_); }
  llvm::Value* FieldPtr(llvm::Value* base, uint64_t offset) {
    return offset == 0 ? base : b_.CreateConstInBoundsGEP1_64(b_.getInt8Ty(), base, offset);
  }
  template <class I>
  I* Tag(I* inst, Scope scope) {
    inst->setMetadata(llvm::LLVMContext::MD_alias_scope, scope_list_[scope]);
    inst->setMetadata(llvm::LLVMContext::MD_noalias, noalias_list_[scope]);
    return inst;
  }
  llvm::Value* Load(llvm::Type* ty, llvm::Value* base, uint64_t offset, Scope scope) {
    return Tag(b_.CreateAlignedLoad(ty, FieldPtr(base, offset), llvm::MaybeAlign(1)), scope);
  }
  void Store(llvm::Value* v, llvm::Value* base, uint64_t offset, Scope scope) {
    Tag(b_.CreateAlignedStore(v, FieldPtr(base, offset), llvm::MaybeAlign(1)), scope);
  }
  /// A function pointer baked in as a constant (helpers and slow paths live in this process).
  llvm::Value* Callee(const void* fn) {
    return b_.CreateIntToPtr(I64(reinterpret_cast<uint64_t>(fn)), Ptr());
  }
  template <class Fn>
  llvm::Value* Callee(Fn* fn) {
    return Callee(reinterpret_cast<const void*>(fn));
  }
  llvm::BasicBlock* NewBlock(const char* name) {
    return llvm::BasicBlock::Create(ctx_, name, fn_);
  }
  llvm::MDNode* Unlikely() { return llvm::MDBuilder(ctx_).createBranchWeights(1, 2000); }

  void SetUpScopes();
  void FindSlots();
  Slot* SlotFor(uint32_t offset, unsigned bytes);
  llvm::Value* LoadState(uint32_t offset, IrType t);
  void StoreState(uint32_t offset, llvm::Value* v, IrType t);
  void Spill();
  void Reload();
  /// Leaves the function: writes back, stores `pc` (if given) and the instruction count.
  void Return(llvm::Value* pc, int64_t code);
  /// Branches to the fault exit when `failed` is true; continues in a new block otherwise.
  void ExitIf(llvm::Value* failed, uint64_t pc);
  llvm::Value* Operand(const ir::Value& v);
  /// The soft-TLB entry for `addr` and whether its read or write tag (at `tag_offset`) hits for
  /// an access of `bits` that stays inside the page (the interpreter's LOAD_MEM/STORE_MEM test).
  std::pair<llvm::Value*, llvm::Value*> TlbProbe(llvm::Value* addr, size_t tag_offset,
                                                 unsigned bits);
  llvm::Value* LoadMem(IrType t, llvm::Value* addr, uint64_t pc);
  void StoreMem(llvm::Value* addr, llvm::Value* v, IrType t, uint64_t pc);
  llvm::Value* Pure(const ir::Inst& inst);
  llvm::Value* Intrinsic(llvm::Intrinsic::ID id, llvm::Type* ty, std::vector<llvm::Value*> args) {
    return b_.CreateIntrinsic(id, {ty}, args);
  }
  void LowerBlock(unsigned index);
  void LowerInst(const ir::Inst& inst, uint64_t pc);
  /// Control transfer from block `from` to guest address `target`: an internal branch (with
  /// the loop checks on back-edges and after blocks that may change what the code assumed) or
  /// a chainable exit.
  void Edge(unsigned from, uint64_t target);
  /// Whether an edge out of `block` must ask should_exit(): never, when the watched bits
  /// changed, or always.
  enum class Risk { kNone, kWatched, kAlways };
  Risk Risky(const ir::Block& block) const;

  llvm::LLVMContext& ctx_;
  llvm::Module& module_;
  llvm::IRBuilder<> b_;
  const Region& region_;
  const LowerConfig& cfg_;
  llvm::Function* fn_ = nullptr;
  llvm::Value* env_ = nullptr;
  llvm::Value* state_ = nullptr;
  llvm::Value* tlb_ = nullptr;
  llvm::AllocaInst* icount_ = nullptr;
  llvm::AllocaInst* scratch_ = nullptr;  ///< slow-path results
  llvm::Value* watched_at_entry_ = nullptr;  ///< the watched bits when the region started
  llvm::BasicBlock* fault_bb_ = nullptr;
  llvm::PHINode* fault_pc_ = nullptr;
  llvm::MDNode* scope_list_[kScopeCount] = {};
  llvm::MDNode* noalias_list_[kScopeCount] = {};
  std::vector<Slot> slots_;
  std::vector<llvm::BasicBlock*> block_bb_;
  std::vector<Risk> risk_;  ///< Risky() of each block, for its edges
  std::map<uint64_t, unsigned> block_index_;
  std::map<uint64_t, unsigned> exit_slot_;
  std::vector<uint64_t> exit_targets_;
  std::vector<llvm::Value*> values_;  ///< results of the current IR block's instructions
};

void Lowerer::SetUpScopes() {
  // Guest state, the soft TLB, guest RAM and the ExecEnv are disjoint host objects: telling
  // LLVM so lets it keep TLB tags and state in registers across guest stores.
  llvm::MDBuilder md(ctx_);
  llvm::MDNode* domain = md.createAnonymousAliasScopeDomain("vireo");
  llvm::MDNode* scopes[kScopeCount];
  const char* names[kScopeCount] = {"state", "tlb", "guest", "env"};
  for (int i = 0; i < kScopeCount; ++i) scopes[i] = md.createAnonymousAliasScope(domain, names[i]);
  for (int i = 0; i < kScopeCount; ++i) {
    scope_list_[i] = llvm::MDNode::get(ctx_, {scopes[i]});
    std::vector<llvm::Metadata*> others;
    for (int j = 0; j < kScopeCount; ++j)
      if (j != i) others.push_back(scopes[j]);
    noalias_list_[i] = llvm::MDNode::get(ctx_, others);
  }
}

void Lowerer::FindSlots() {
  // A promotable slot is promoted when the region touches it, unless some access straddles its
  // edge (then it stays in memory: partial overlaps are not worth the bit surgery).
  for (const StateSlot& s : cfg_.promotable) {
    // Whether any block writes the slot is decided here, before any exit is lowered: every
    // exit writes back every slot the region may have changed.
    bool used = false, straddles = false, written = false;
    for (const auto& block : region_.blocks)
      for (const ir::Inst& inst : block->insts) {
        if (inst.dead) continue;
        unsigned bits;
        if (inst.op == Opcode::kLoadState)
          bits = AccessBits(inst.type);
        else if (inst.op == Opcode::kStoreState)
          bits = AccessBits(inst.args[0].type);
        else
          continue;
        uint64_t begin = inst.imm, end = inst.imm + bits / 8;
        if (end <= s.offset || begin >= s.offset + s.bytes) continue;
        if (LowerConfig::Inside(s, begin, static_cast<unsigned>(end - begin)))
          used = true;
        else
          straddles = true;
        if (inst.op == Opcode::kStoreState) written = true;
      }
    if (used && !straddles) slots_.push_back({s.offset, s.bytes, nullptr, written});
  }
}

Lowerer::Slot* Lowerer::SlotFor(uint32_t offset, unsigned bytes) {
  for (Slot& s : slots_)
    if (LowerConfig::Inside({s.offset, s.bytes}, offset, bytes)) return &s;
  return nullptr;
}

llvm::Value* Lowerer::LoadState(uint32_t offset, IrType t) {
  const unsigned bits = AccessBits(t);
  llvm::Value* v;
  if (Slot* s = SlotFor(offset, bits / 8)) {
    v = b_.CreateLoad(s->var->getAllocatedType(), s->var);
    if (offset > s->offset) v = b_.CreateLShr(v, 8 * (offset - s->offset));
    if (bits < 8 * s->bytes) v = b_.CreateTrunc(v, b_.getIntNTy(bits));
  } else {
    v = Load(b_.getIntNTy(bits), state_, offset, kStateScope);
  }
  if (t == IrType::kU1) v = b_.CreateICmpNE(v, b_.getInt64(0));
  return v;
}

void Lowerer::StoreState(uint32_t offset, llvm::Value* v, IrType t) {
  const unsigned bits = AccessBits(t);
  if (t == IrType::kU1) v = b_.CreateZExt(v, b_.getInt64Ty());
  Slot* s = SlotFor(offset, bits / 8);
  if (s == nullptr) {
    Store(v, state_, offset, kStateScope);
    return;
  }
  llvm::Type* slot_ty = s->var->getAllocatedType();
  if (bits == 8 * s->bytes) {
    b_.CreateStore(v, s->var);
    return;
  }
  // A partial write (AL, AX, ...): merge into the slot's other bytes.
  const unsigned shift = 8 * (offset - s->offset);
  llvm::APInt field = llvm::APInt::getBitsSet(8 * s->bytes, shift, shift + bits);
  llvm::Value* old = b_.CreateLoad(slot_ty, s->var);
  llvm::Value* wide = b_.CreateShl(b_.CreateZExt(v, slot_ty), shift);
  b_.CreateStore(b_.CreateOr(b_.CreateAnd(old, llvm::ConstantInt::get(slot_ty, ~field)), wide),
                 s->var);
}

void Lowerer::Spill() {
  for (const Slot& s : slots_)
    if (s.written)
      Store(b_.CreateLoad(s.var->getAllocatedType(), s.var), state_, s.offset, kStateScope);
}

void Lowerer::Reload() {
  for (const Slot& s : slots_)
    b_.CreateStore(Load(s.var->getAllocatedType(), state_, s.offset, kStateScope), s.var);
}

void Lowerer::Return(llvm::Value* pc, int64_t code) {
  Spill();
  if (pc != nullptr) Store(pc, state_, cfg_.pc_offset, kStateScope);
  Store(b_.CreateLoad(b_.getInt64Ty(), icount_), env_, offsetof(ExecEnv, insts), kEnvScope);
  b_.CreateRet(b_.getInt64(static_cast<uint64_t>(code)));
}

void Lowerer::ExitIf(llvm::Value* failed, uint64_t pc) {
  llvm::BasicBlock* cont = NewBlock("ok");
  b_.CreateCondBr(failed, fault_bb_, cont, Unlikely());
  fault_pc_->addIncoming(I64(pc), b_.GetInsertBlock());
  b_.SetInsertPoint(cont);
}

llvm::Value* Lowerer::Operand(const ir::Value& v) {
  if (!v.valid()) return nullptr;
  if (v.is_inst()) {
    llvm::Value* r = values_.at(v.index);
    if (r == nullptr) throw std::logic_error("IR operand refers to a value-less instruction");
    return r;
  }
  return llvm::ConstantInt::get(Ty(v.type), v.imm);
}

std::pair<llvm::Value*, llvm::Value*> Lowerer::TlbProbe(llvm::Value* addr, size_t tag_offset,
                                                        unsigned bits) {
  llvm::Value* index = b_.CreateAnd(b_.CreateLShr(addr, kPageBits), kTlbEntries - 1);
  llvm::Value* entry = b_.CreateInBoundsGEP(b_.getInt8Ty(), tlb_,
                                            b_.CreateMul(index, I64(sizeof(TlbEntry))));
  llvm::Value* tag = Load(b_.getInt64Ty(), entry, tag_offset, kTlbScope);
  llvm::Value* hit = b_.CreateICmpEQ(tag, b_.CreateAnd(addr, kPageMask));
  if (bits > 8)
    hit = b_.CreateAnd(hit, b_.CreateICmpULE(b_.CreateAnd(addr, ~kPageMask), I64(4096 - bits / 8)));
  return {entry, hit};
}

llvm::Value* Lowerer::LoadMem(IrType t, llvm::Value* addr, uint64_t pc) {
  const unsigned bits = AccessBits(t);
  llvm::Type* ty = b_.getIntNTy(bits);
  // The TLB hit path: tag compare, in-page check, host load.
  auto [entry, hit] = TlbProbe(addr, offsetof(TlbEntry, read_tag), bits);
  llvm::BasicBlock* hit_bb = NewBlock("tlb_hit");
  llvm::BasicBlock* miss_bb = NewBlock("tlb_miss");
  llvm::BasicBlock* join = NewBlock("loaded");
  b_.CreateCondBr(hit, hit_bb, miss_bb, llvm::MDBuilder(ctx_).createBranchWeights(2000, 1));
  b_.SetInsertPoint(hit_bb);
  llvm::Value* addend = Load(b_.getInt64Ty(), entry, offsetof(TlbEntry, addend), kTlbScope);
  llvm::Value* host = b_.CreateIntToPtr(b_.CreateAdd(addr, addend), Ptr());
  llvm::Value* fast = Load(ty, host, 0, kGuestScope);
  llvm::BasicBlock* fast_end = b_.GetInsertBlock();
  b_.CreateBr(join);
  b_.SetInsertPoint(miss_bb);
  llvm::FunctionType* slow_ty = llvm::FunctionType::get(
      b_.getInt1Ty(), {Ptr(), b_.getInt64Ty(), b_.getInt32Ty(), Ptr()}, false);
  llvm::Value* ok = b_.CreateCall(slow_ty, Callee(cfg_.load_slow),
                                  {env_, addr, b_.getInt32(bits / 8), scratch_});
  ExitIf(b_.CreateNot(ok), pc);
  llvm::Value* slow = b_.CreateTrunc(b_.CreateLoad(b_.getInt64Ty(), scratch_), ty);
  llvm::BasicBlock* slow_end = b_.GetInsertBlock();
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
  llvm::PHINode* v = b_.CreatePHI(ty, 2);
  v->addIncoming(fast, fast_end);
  v->addIncoming(slow, slow_end);
  if (t == IrType::kU1) return b_.CreateICmpNE(v, b_.getInt64(0));
  return v;
}

void Lowerer::StoreMem(llvm::Value* addr, llvm::Value* v, IrType t, uint64_t pc) {
  const unsigned bits = AccessBits(t);
  if (t == IrType::kU1) v = b_.CreateZExt(v, b_.getInt64Ty());
  auto [entry, hit] = TlbProbe(addr, offsetof(TlbEntry, write_tag), bits);
  llvm::BasicBlock* hit_bb = NewBlock("tlb_hit");
  llvm::BasicBlock* miss_bb = NewBlock("tlb_miss");
  llvm::BasicBlock* join = NewBlock("stored");
  b_.CreateCondBr(hit, hit_bb, miss_bb, llvm::MDBuilder(ctx_).createBranchWeights(2000, 1));
  b_.SetInsertPoint(hit_bb);
  llvm::Value* addend = Load(b_.getInt64Ty(), entry, offsetof(TlbEntry, addend), kTlbScope);
  Store(v, b_.CreateIntToPtr(b_.CreateAdd(addr, addend), Ptr()), 0, kGuestScope);
  b_.CreateBr(join);
  b_.SetInsertPoint(miss_bb);
  llvm::FunctionType* slow_ty = llvm::FunctionType::get(
      b_.getInt1Ty(), {Ptr(), b_.getInt64Ty(), b_.getInt32Ty(), b_.getInt64Ty()}, false);
  llvm::Value* ok =
      b_.CreateCall(slow_ty, Callee(cfg_.store_slow),
                    {env_, addr, b_.getInt32(bits / 8), b_.CreateZExt(v, b_.getInt64Ty())});
  ExitIf(b_.CreateNot(ok), pc);
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
}

llvm::Value* Lowerer::Pure(const ir::Inst& inst) {
  llvm::Value* a = Operand(inst.args[0]);
  llvm::Value* b = Operand(inst.args[1]);
  llvm::Value* c = Operand(inst.args[2]);
  llvm::Type* ty = Ty(inst.type);
  const unsigned w = ir::BitWidth(inst.type);
  // Shift amounts are U8; widen (or, for U8 itself, keep) to the shifted type.
  auto amount = [&](llvm::Value* n) { return b_.CreateZExtOrTrunc(n, ty); };
  auto amount_too_big = [&](llvm::Value* n) {
    return b_.CreateICmpUGE(n, llvm::ConstantInt::get(n->getType(), w));
  };
  switch (inst.op) {
    case Opcode::kAdd:
      return b_.CreateAdd(a, b);
    case Opcode::kSub:
      return b_.CreateSub(a, b);
    case Opcode::kMul:
      return b_.CreateMul(a, b);
    case Opcode::kUMulHi:
    case Opcode::kSMulHi: {
      llvm::Type* wide = b_.getIntNTy(2 * w);
      bool s = inst.op == Opcode::kSMulHi;
      llvm::Value* p = b_.CreateMul(s ? b_.CreateSExt(a, wide) : b_.CreateZExt(a, wide),
                                    s ? b_.CreateSExt(b, wide) : b_.CreateZExt(b, wide));
      return b_.CreateTrunc(b_.CreateLShr(p, w), ty);
    }
    case Opcode::kAnd:
      return b_.CreateAnd(a, b);
    case Opcode::kOr:
      return b_.CreateOr(a, b);
    case Opcode::kXor:
      return b_.CreateXor(a, b);
    case Opcode::kNeg:
      return b_.CreateNeg(a);
    case Opcode::kNot:
      return b_.CreateNot(a);
    // Over-wide shifts: LLVM makes them poison, the IR defines them (0 or the sign fill). A
    // select does not propagate poison from the arm it does not pick.
    case Opcode::kShl:
      return b_.CreateSelect(amount_too_big(b), llvm::ConstantInt::get(ty, 0),
                             b_.CreateShl(a, amount(b)));
    case Opcode::kLshr:
      return b_.CreateSelect(amount_too_big(b), llvm::ConstantInt::get(ty, 0),
                             b_.CreateLShr(a, amount(b)));
    case Opcode::kAshr:
      return b_.CreateSelect(amount_too_big(b), b_.CreateAShr(a, w - 1),
                             b_.CreateAShr(a, amount(b)));
    case Opcode::kRotl:  // funnel shifts of a value with itself: rotates, amount mod width
    case Opcode::kRotr: {
      llvm::Value* n = b_.CreateTrunc(b_.CreateURem(b_.CreateZExt(b, b_.getInt64Ty()), I64(w)), ty);
      return Intrinsic(inst.op == Opcode::kRotl ? llvm::Intrinsic::fshl : llvm::Intrinsic::fshr,
                       ty, {a, a, n});
    }
    case Opcode::kZExt:
      return b_.CreateZExtOrTrunc(a, ty);
    case Opcode::kSExt:
      return b_.CreateSExtOrTrunc(a, ty);
    case Opcode::kTrunc:
      return b_.CreateZExtOrTrunc(a, ty);
    case Opcode::kPopcount:
      return Intrinsic(llvm::Intrinsic::ctpop, ty, {a});
    case Opcode::kCtz:  // defined at zero: the width
      return Intrinsic(llvm::Intrinsic::cttz, ty, {a, b_.getFalse()});
    case Opcode::kClz:
      return Intrinsic(llvm::Intrinsic::ctlz, ty, {a, b_.getFalse()});
    case Opcode::kBswap:
      return w == 8 ? a : Intrinsic(llvm::Intrinsic::bswap, ty, {a});
    case Opcode::kEq:
      return b_.CreateICmpEQ(a, b);
    case Opcode::kNe:
      return b_.CreateICmpNE(a, b);
    case Opcode::kUlt:
      return b_.CreateICmpULT(a, b);
    case Opcode::kUle:
      return b_.CreateICmpULE(a, b);
    case Opcode::kSlt:
      return b_.CreateICmpSLT(a, b);
    case Opcode::kSle:
      return b_.CreateICmpSLE(a, b);
    case Opcode::kSelect:
      return b_.CreateSelect(a, b, c);
    default:
      throw std::logic_error("not a pure IR operation");
  }
}

void Lowerer::LowerInst(const ir::Inst& inst, uint64_t pc) {
  llvm::Value* result = nullptr;
  switch (inst.op) {
    case Opcode::kLoadState:
      result = LoadState(static_cast<uint32_t>(inst.imm), inst.type);
      break;
    case Opcode::kStoreState:
      StoreState(static_cast<uint32_t>(inst.imm), Operand(inst.args[0]), inst.args[0].type);
      break;
    case Opcode::kLoadMem:
      result = LoadMem(inst.type, Operand(inst.args[0]), pc);
      break;
    case Opcode::kStoreMem:
      StoreMem(Operand(inst.args[0]), Operand(inst.args[1]), inst.args[1].type, pc);
      break;
    case Opcode::kAtomicRmw:
    case Opcode::kAtomicCmpXchg: {
      // Out of line (jit/atomic_ops.cpp), the same code tier 0 runs; neither touches the
      // promoted slots.
      const bool rmw = inst.op == Opcode::kAtomicRmw;
      llvm::Value* addr = Operand(inst.args[0]);
      llvm::Value* x = b_.CreateZExt(Operand(inst.args[1]), b_.getInt64Ty());
      llvm::Value* bytes = b_.getInt32(ir::BitWidth(inst.type) / 8);
      llvm::Value* ok;
      if (rmw) {
        llvm::FunctionType* ft = llvm::FunctionType::get(
            b_.getInt1Ty(),
            {Ptr(), b_.getInt32Ty(), b_.getInt64Ty(), b_.getInt64Ty(), b_.getInt32Ty(), Ptr()},
            false);
        ok = b_.CreateCall(ft, Callee(&AtomicRmw),
                           {env_, b_.getInt32(static_cast<uint32_t>(inst.imm)), addr, x, bytes,
                            scratch_});
      } else {
        llvm::FunctionType* ft = llvm::FunctionType::get(
            b_.getInt1Ty(),
            {Ptr(), b_.getInt64Ty(), b_.getInt64Ty(), b_.getInt64Ty(), b_.getInt32Ty(), Ptr()},
            false);
        llvm::Value* desired = b_.CreateZExt(Operand(inst.args[2]), b_.getInt64Ty());
        ok = b_.CreateCall(ft, Callee(&AtomicCmpXchg), {env_, addr, x, desired, bytes, scratch_});
      }
      ExitIf(b_.CreateNot(ok), pc);
      result = b_.CreateTrunc(b_.CreateLoad(b_.getInt64Ty(), scratch_), Ty(inst.type));
      break;
    }
    case Opcode::kTrap: {
      llvm::BasicBlock* trap = NewBlock("trap");
      llvm::BasicBlock* cont = NewBlock("no_trap");
      b_.CreateCondBr(Operand(inst.args[0]), trap, cont, Unlikely());
      b_.SetInsertPoint(trap);
      llvm::FunctionType* ft =
          llvm::FunctionType::get(b_.getVoidTy(), {Ptr(), b_.getInt64Ty()}, false);
      b_.CreateCall(ft, Callee(cfg_.raise), {env_, I64(inst.imm)});
      b_.CreateBr(fault_bb_);
      fault_pc_->addIncoming(I64(pc), trap);
      b_.SetInsertPoint(cont);
      break;
    }
    case Opcode::kCallHelper: {
      // Helpers see and change the whole state: promoted slots go out before and come back
      // after.
      const HelperInfo& h = cfg_.helpers[inst.imm];
      llvm::Value* a = inst.args[0].valid() ? b_.CreateZExt(Operand(inst.args[0]), b_.getInt64Ty())
                                            : I64(0);
      llvm::Value* x = inst.args[1].valid() ? b_.CreateZExt(Operand(inst.args[1]), b_.getInt64Ty())
                                            : I64(0);
      Spill();
      llvm::FunctionType* ft = llvm::FunctionType::get(
          b_.getInt64Ty(), {Ptr(), b_.getInt64Ty(), b_.getInt64Ty()}, false);
      llvm::Value* r = b_.CreateCall(ft, Callee(h.fn), {env_, a, x});
      Reload();
      if (h.may_fault) {
        llvm::Value* fault = Load(b_.getInt8Ty(), env_, offsetof(ExecEnv, fault), kEnvScope);
        ExitIf(b_.CreateICmpNE(fault, b_.getInt8(0)), pc);
      }
      if (inst.type != IrType::kVoid) result = b_.CreateTrunc(r, Ty(inst.type));
      break;
    }
    case Opcode::kAdd:
    case Opcode::kSub:
    case Opcode::kMul:
    case Opcode::kUMulHi:
    case Opcode::kSMulHi:
    case Opcode::kAnd:
    case Opcode::kOr:
    case Opcode::kXor:
    case Opcode::kNeg:
    case Opcode::kNot:
    case Opcode::kShl:
    case Opcode::kLshr:
    case Opcode::kAshr:
    case Opcode::kRotl:
    case Opcode::kRotr:
    case Opcode::kZExt:
    case Opcode::kSExt:
    case Opcode::kTrunc:
    case Opcode::kPopcount:
    case Opcode::kCtz:
    case Opcode::kClz:
    case Opcode::kBswap:
    case Opcode::kEq:
    case Opcode::kNe:
    case Opcode::kUlt:
    case Opcode::kUle:
    case Opcode::kSlt:
    case Opcode::kSle:
    case Opcode::kSelect:
      result = Pure(inst);
      break;
    case Opcode::kCount:
      throw std::logic_error("invalid IR opcode");
  }
  values_.push_back(result);
}

Lowerer::Risk Lowerer::Risky(const ir::Block& block) const {
  // A mode-changing helper or a write to unpromoted state (segments, control registers) may
  // change the mode the next block was translated for, or ask for an exit (HLT, TF, STI's
  // shadow). A write to the watched word matters only if its watched bits changed.
  Risk risk = Risk::kNone;
  for (const ir::Inst& inst : block.insts) {
    if (inst.dead) continue;
    if (inst.op == Opcode::kCallHelper && cfg_.helpers[inst.imm].changes_mode)
      return Risk::kAlways;
    if (inst.op == Opcode::kStoreState) {
      unsigned bytes = AccessBits(inst.args[0].type) / 8;
      bool promoted = false;
      for (const StateSlot& s : cfg_.promotable)
        if (LowerConfig::Inside(s, inst.imm, bytes)) promoted = true;
      if (promoted || inst.imm == cfg_.pc_offset) continue;
      if (inst.imm == cfg_.watched_offset && bytes == 8)
        risk = Risk::kWatched;
      else
        return Risk::kAlways;
    }
  }
  return risk;
}

void Lowerer::Edge(unsigned from, uint64_t target) {
  auto exit_to = [&](uint64_t pc) {
    auto [it, added] = exit_slot_.try_emplace(pc, static_cast<unsigned>(exit_targets_.size()));
    if (added) exit_targets_.push_back(pc);
    Return(I64(pc), it->second);
  };
  auto inside = block_index_.find(target);
  if (inside == block_index_.end()) {
    exit_to(target);
    return;
  }
  const unsigned to = inside->second;
  const bool back_edge = to <= from;
  const Risk risk = risk_[from];
  if (!back_edge && risk == Risk::kNone) {
    b_.CreateBr(block_bb_[to]);
    return;
  }
  // A back-edge checks the instruction budget and pending requests: one check per loop
  // iteration keeps interrupts, kicks and the time slice working inside a hot loop.
  llvm::BasicBlock* leave = NewBlock("leave");
  llvm::BasicBlock* ask = NewBlock("ask");
  llvm::BasicBlock* stay = block_bb_[to];
  llvm::FunctionType* ft = llvm::FunctionType::get(b_.getInt1Ty(), {Ptr()}, false);
  llvm::Value* count = b_.CreateLoad(b_.getInt64Ty(), icount_);
  llvm::Value* budget = Load(b_.getInt64Ty(), env_, offsetof(ExecEnv, budget), kEnvScope);
  llvm::BasicBlock* check = NewBlock("check_request");
  b_.CreateCondBr(b_.CreateICmpUGE(count, budget), leave, check, Unlikely());
  b_.SetInsertPoint(check);
  if (risk == Risk::kAlways) {
    b_.CreateBr(ask);
  } else {
    if (risk == Risk::kWatched) {
      llvm::Value* now = b_.CreateAnd(Load(b_.getInt64Ty(), state_, cfg_.watched_offset,
                                           kStateScope),
                                      cfg_.watched_mask);
      llvm::BasicBlock* same = NewBlock("watched_same");
      b_.CreateCondBr(b_.CreateICmpNE(now, watched_at_entry_), ask, same, Unlikely());
      b_.SetInsertPoint(same);
    }
    llvm::Value* request_ptr = Load(Ptr(), env_, offsetof(ExecEnv, interrupt_request), kEnvScope);
    llvm::LoadInst* request = b_.CreateAlignedLoad(b_.getInt32Ty(), request_ptr, llvm::Align(4));
    request->setAtomic(llvm::AtomicOrdering::Monotonic);
    b_.CreateCondBr(b_.CreateICmpNE(request, b_.getInt32(0)), ask, stay, Unlikely());
  }
  b_.SetInsertPoint(ask);
  Spill();  // should_exit may look at the state
  llvm::Value* quit = b_.CreateCall(ft, Callee(cfg_.should_exit), {env_});
  b_.CreateCondBr(quit, leave, stay);
  b_.SetInsertPoint(leave);
  exit_to(target);
}

void Lowerer::LowerBlock(unsigned index) {
  const ir::Block& block = *region_.blocks[index];
  b_.SetInsertPoint(block_bb_[index]);
  b_.CreateStore(b_.CreateAdd(b_.CreateLoad(b_.getInt64Ty(), icount_), I64(block.guest_insts)),
                 icount_);
  values_.clear();
  values_.reserve(block.insts.size());
  for (const ir::Inst& inst : block.insts) {
    if (inst.dead) {
      values_.push_back(nullptr);
      continue;
    }
    LowerInst(inst, block.guest_pc + inst.guest_offset);
  }
  const ir::Terminal& t = block.terminal;
  switch (t.kind) {
    case ir::Terminal::Kind::kJump:
      Edge(index, t.target[0]);
      break;
    case ir::Terminal::Kind::kBranch: {
      llvm::BasicBlock* taken = NewBlock("taken");
      llvm::BasicBlock* not_taken = NewBlock("not_taken");
      b_.CreateCondBr(Operand(t.cond), taken, not_taken);
      b_.SetInsertPoint(taken);
      Edge(index, t.target[0]);
      b_.SetInsertPoint(not_taken);
      Edge(index, t.target[1]);
      break;
    }
    case ir::Terminal::Kind::kIndirect:
      Return(Operand(t.dest), -1);
      break;
    case ir::Terminal::Kind::kExit:
      Return(nullptr, -1);
      break;
  }
}

llvm::Function* Lowerer::Run(const std::string& name, std::vector<uint64_t>* exit_targets) {
  if (region_.blocks.empty()) throw std::invalid_argument("empty region");
  SetUpScopes();
  FindSlots();
  auto* fn_ty = llvm::FunctionType::get(b_.getInt64Ty(), {Ptr()}, false);
  fn_ = llvm::Function::Create(fn_ty, llvm::Function::ExternalLinkage, name, module_);
  fn_->addParamAttr(0, llvm::Attribute::NoAlias);
  env_ = fn_->getArg(0);
  llvm::BasicBlock* entry = NewBlock("entry");
  b_.SetInsertPoint(entry);
  state_ = Load(Ptr(), env_, offsetof(ExecEnv, state), kEnvScope);
  tlb_ = Load(Ptr(), env_, offsetof(ExecEnv, tlb), kEnvScope);
  icount_ = b_.CreateAlloca(b_.getInt64Ty(), nullptr, "icount");
  scratch_ = b_.CreateAlloca(b_.getInt64Ty(), nullptr, "scratch");
  b_.CreateStore(I64(0), icount_);
  if (cfg_.watched_offset != UINT32_MAX)
    watched_at_entry_ = b_.CreateAnd(
        Load(b_.getInt64Ty(), state_, cfg_.watched_offset, kStateScope), cfg_.watched_mask);
  for (Slot& s : slots_) {
    s.var = b_.CreateAlloca(b_.getIntNTy(8 * s.bytes));
    b_.CreateStore(Load(s.var->getAllocatedType(), state_, s.offset, kStateScope), s.var);
  }
  for (unsigned i = 0; i < region_.blocks.size(); ++i) {
    block_bb_.push_back(NewBlock("block"));
    risk_.push_back(Risky(*region_.blocks[i]));
    block_index_.emplace(region_.blocks[i]->guest_pc, i);
  }
  b_.CreateBr(block_bb_[0]);
  // The shared fault exit: every faulting point branches here with its constant guest PC.
  fault_bb_ = NewBlock("fault");
  b_.SetInsertPoint(fault_bb_);
  fault_pc_ = b_.CreatePHI(b_.getInt64Ty(), 4, "fault_pc");
  Return(fault_pc_, -2);
  for (unsigned i = 0; i < region_.blocks.size(); ++i) LowerBlock(i);
  if (fault_pc_->getNumIncomingValues() == 0) {
    fault_pc_->replaceAllUsesWith(llvm::PoisonValue::get(b_.getInt64Ty()));
    fault_pc_->eraseFromParent();
    fault_bb_->eraseFromParent();
  }
  *exit_targets = exit_targets_;
  return fn_;
}

}  // namespace

llvm::Function* LowerRegion(const Region& region, const LowerConfig& config, llvm::Module& module,
                            const std::string& name, std::vector<uint64_t>* exit_targets) {
  return Lowerer(region, config, module).Run(name, exit_targets);
}

}  // namespace vireo::jit
