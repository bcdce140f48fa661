#include "jit/interp/interpreter.h"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <vector>

#include "jit/ir/emitter.h"
#include "jit/ir/passes.h"
#include "jit/ir/semantics.h"

using namespace vireo;
using namespace vireo::ir;
using jit::ExecEnv;
using jit::Interpreter;
using jit::RunResult;

namespace {

/// A flat 64 KiB "guest" memory behind a soft TLB, with page 0xF000 unmapped (faults).
struct TestMachine {
  uint64_t state[64] = {};
  jit::SoftTlb tlb;
  std::vector<uint8_t> memory = std::vector<uint8_t>(0x10000, 0);
  int slow_loads = 0, slow_stores = 0;
  uint64_t fault_addr = 0;
  ExecEnv env;

  TestMachine() {
    tlb.Flush();
    env.state = state;
    env.tlb = &tlb;
    env.pc_offset = 0;  // state[0] is the PC
    env.cpu = this;
    env.load_slow = [](ExecEnv* e, uint64_t addr, unsigned size, uint64_t* value) {
      auto* m = static_cast<TestMachine*>(e->cpu);
      ++m->slow_loads;
      if (addr + size > 0xF000) {
        m->fault_addr = addr;
        return false;
      }
      // Fill the TLB so the next access to this page hits.
      auto& ent = m->tlb.entries[(addr >> 12) & (jit::kTlbEntries - 1)];
      ent.read_tag = addr & jit::kPageMask;
      ent.addend = reinterpret_cast<uint64_t>(m->memory.data());
      *value = 0;
      std::memcpy(value, m->memory.data() + addr, size);
      return true;
    };
    env.store_slow = [](ExecEnv* e, uint64_t addr, unsigned size, uint64_t value) {
      auto* m = static_cast<TestMachine*>(e->cpu);
      ++m->slow_stores;
      if (addr + size > 0xF000) {
        m->fault_addr = addr;
        return false;
      }
      std::memcpy(m->memory.data() + addr, &value, size);
      return true;
    };
  }
  RunResult Run(Block& b, bool optimize = true) {
    if (optimize) Optimize(b);
    REQUIRE(Verify(b).empty());
    return Interpreter::Run(Interpreter::Compile(b), env);
  }
};

const Opcode kPureOps[] = {
    Opcode::kAdd,      Opcode::kSub,  Opcode::kMul,  Opcode::kUMulHi, Opcode::kSMulHi,
    Opcode::kAnd,      Opcode::kOr,   Opcode::kXor,  Opcode::kNeg,    Opcode::kNot,
    Opcode::kShl,      Opcode::kLshr, Opcode::kAshr, Opcode::kRotl,   Opcode::kRotr,
    Opcode::kPopcount, Opcode::kCtz,  Opcode::kClz,  Opcode::kBswap,  Opcode::kEq,
    Opcode::kNe,       Opcode::kUlt,  Opcode::kUle,  Opcode::kSlt,    Opcode::kSle};

}  // namespace

TEST_CASE("every pure op in the interpreter matches Evaluate on random and edge inputs") {
  std::mt19937_64 rng(42);
  const uint64_t edges[] = {0,
                            1,
                            2,
                            7,
                            8,
                            15,
                            16,
                            31,
                            32,
                            63,
                            64,
                            0x7F,
                            0x80,
                            0xFF,
                            0x7FFF,
                            0x8000,
                            0xFFFF,
                            0x7FFFFFFF,
                            0x80000000,
                            0xFFFFFFFF,
                            0x7FFFFFFFFFFFFFFF,
                            0x8000000000000000,
                            ~uint64_t{0}};
  int checked = 0;
  for (Opcode op : kPureOps) {
    for (Type t : {Type::kU8, Type::kU16, Type::kU32, Type::kU64}) {
      if (op == Opcode::kBswap && t == Type::kU8) continue;
      for (int i = 0; i < 200; ++i) {
        uint64_t a = i < 23 ? edges[i] : rng();
        uint64_t b = i % 23 < 23 && i >= 23 && i < 46 ? edges[i - 23] : rng();
        a &= TypeMask(t);
        bool shift = op == Opcode::kShl || op == Opcode::kLshr || op == Opcode::kAshr ||
                     op == Opcode::kRotl || op == Opcode::kRotr;
        b &= shift ? 0xFF : TypeMask(t);
        TestMachine m;
        m.state[1] = a;
        m.state[2] = b;
        Block blk;
        IrEmitter e(blk);
        Value va = e.LoadState(t, 8), vb = e.LoadState(shift ? Type::kU8 : t, 16);
        unsigned nargs = ArgCount(op);
        Inst inst;
        inst.op = op;
        inst.type = t;
        inst.args[0] = va;
        if (nargs > 1) inst.args[1] = vb;
        blk.insts.push_back(inst);
        Type rt = Info(op).result == Kind::kU1 ? Type::kU1 : t;
        Value r = Value::Ref(static_cast<uint32_t>(blk.insts.size() - 1), rt);
        e.StoreState(24, e.ZExt(Type::kU64, r));
        e.Exit();
        m.Run(blk, /*optimize=*/false);
        uint64_t want = Evaluate(op, t, a, nargs > 1 ? b : 0, 0);
        CHECK_MESSAGE(m.state[3] == want, Info(op).name, " ", TypeName(t), " a=", a, " b=", b);
        ++checked;
      }
    }
  }
  CHECK(checked > 15000);
}

TEST_CASE("memory: TLB hits, slow-path fills, cross-page accesses and precise faults") {
  TestMachine m;
  Block b;
  b.guest_pc = 0x5000;
  IrEmitter e(b);
  Value addr = e.LoadState(Type::kU64, 8);
  e.StoreMem(addr, IrEmitter::Imm(Type::kU32, 0xDEADBEEF));
  e.SetGuestOffset(4);
  Value v = e.LoadMem(Type::kU16, e.Add(addr, IrEmitter::Imm64(2)));
  e.StoreState(16, e.ZExt(Type::kU64, v));
  e.SetGuestOffset(9);
  Value far = e.LoadMem(Type::kU8, IrEmitter::Imm64(0xF000));  // faults
  e.StoreState(24, e.ZExt(Type::kU64, far));
  e.Jump(0x6000);

  m.state[1] = 0x1FFE;  // the u32 store crosses into the next page
  RunResult r = m.Run(b);
  CHECK(r.kind == RunResult::Kind::kFault);
  CHECK(m.state[0] == 0x5009);  // PC of the faulting guest instruction
  CHECK(m.fault_addr == 0xF000);
  CHECK(m.memory[0x1FFE] == 0xEF);
  CHECK(m.memory[0x2001] == 0xDE);
  CHECK(m.state[2] == 0xDEAD);  // the instruction before the fault completed
  CHECK(m.state[3] == 0);       // the faulting one did not
  CHECK(m.slow_stores == 1);    // crossed a page

  // Within one page: the second run hits the TLB entry the first run's slow path filled.
  m.state[1] = 0x3000;
  Block b2;
  IrEmitter e2(b2);
  Value a2 = e2.LoadState(Type::kU64, 8);
  e2.StoreState(16, e2.LoadMem(Type::kU64, a2));
  e2.Jump(0x10);
  jit::InterpBlock compiled = (Optimize(b2), Interpreter::Compile(b2));
  int before = m.slow_loads;
  Interpreter::Run(compiled, m.env);
  Interpreter::Run(compiled, m.env);
  CHECK(m.slow_loads == before + 1);
}

TEST_CASE("terminals set the PC; helpers run and may fault") {
  static const jit::HelperInfo helpers[] = {
      {"twice", [](ExecEnv*, uint64_t a, uint64_t) -> uint64_t { return a * 2; }, false},
      {"fail",
       [](ExecEnv* env, uint64_t, uint64_t) -> uint64_t {
         env->fault = true;
         return 0;
       },
       true},
  };
  TestMachine m;
  m.env.helpers = helpers;
  Block b;
  b.guest_pc = 0x100;
  IrEmitter e(b);
  Value x = e.LoadState(Type::kU64, 8);
  Value d = e.CallHelper(Type::kU64, 0, x);
  e.StoreState(16, d);
  e.Branch(e.Ult(d, IrEmitter::Imm64(10)), 0x200, 0x300);
  jit::InterpBlock c = (Optimize(b), Interpreter::Compile(b));
  m.state[1] = 3;
  RunResult r = Interpreter::Run(c, m.env);
  CHECK(r.next_pc == 0x200);
  CHECK(r.taken == 0);
  CHECK(m.state[0] == 0x200);
  CHECK(m.state[2] == 6);
  m.state[1] = 30;
  r = Interpreter::Run(c, m.env);
  CHECK(r.next_pc == 0x300);
  CHECK(r.taken == 1);

  Block ind;
  ind.guest_pc = 0x100;
  IrEmitter ei(ind);
  ei.Indirect(ei.LoadState(Type::kU64, 8));
  CHECK(m.Run(ind).next_pc == 30);

  Block f;
  f.guest_pc = 0x700;
  IrEmitter ef(f);
  ef.StoreState(16, IrEmitter::Imm64(1));
  ef.SetGuestOffset(2);
  ef.CallHelper(Type::kVoid, 1);
  ef.StoreState(16, IrEmitter::Imm64(2));
  ef.Jump(0x800);
  r = m.Run(f);
  CHECK(r.kind == RunResult::Kind::kFault);
  CHECK(m.state[0] == 0x702);
  CHECK(m.state[2] == 1);  // the store before the helper survived dead-store elimination
}
