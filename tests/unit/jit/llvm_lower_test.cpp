// Tier 1's lowering against tier 0: the same IR blocks run in the interpreter and as LLVM code
// on the same state, and every result must agree bit for bit.

#include <doctest/doctest.h>

#include <atomic>
#include <cstring>
#include <random>
#include <vector>

#include "jit/interp/interpreter.h"
#include "jit/ir/emitter.h"
#include "jit/ir/semantics.h"
#include "jit/llvm/compiler.h"

using namespace vireo;
using namespace vireo::ir;
using jit::ExecEnv;

namespace {

/// Guest state (64 qwords; qword 0 is the PC) and 64 KiB of guest memory behind a soft TLB
/// that the slow paths fill; addresses from 0xF000 up fault.
struct Machine {
  uint64_t state[64] = {};
  jit::SoftTlb tlb;
  std::vector<uint8_t> memory = std::vector<uint8_t>(0x10000, 0);
  std::atomic<uint32_t> request{0};
  int slow = 0, helper_calls = 0, exit_questions = 0;
  bool exit_answer = true;
  ExecEnv env;

  static uint64_t Helper(ExecEnv* e, uint64_t a, uint64_t b) {
    // Reads state qword 1 (which compiled code keeps in a register) and writes qword 2.
    auto* m = static_cast<Machine*>(e->cpu);
    ++m->helper_calls;
    m->state[2] = m->state[1] * 3 + a;
    return a + b;
  }
  static inline const jit::HelperInfo kHelpers[] = {{"test", &Helper, false}};

  Machine() {
    tlb.Flush();
    env.state = state;
    env.tlb = &tlb;
    env.helpers = kHelpers;
    env.cpu = this;
    env.interrupt_request = &request;
    env.load_slow = [](ExecEnv* e, uint64_t addr, unsigned size, uint64_t* value) {
      auto* m = static_cast<Machine*>(e->cpu);
      ++m->slow;
      if (addr + size > 0xF000) return false;
      auto& ent = m->tlb.entries[(addr >> 12) & (jit::kTlbEntries - 1)];
      ent.read_tag = ent.write_tag = addr & jit::kPageMask;
      ent.addend = reinterpret_cast<uint64_t>(m->memory.data());
      *value = 0;
      std::memcpy(value, m->memory.data() + addr, size);
      return true;
    };
    env.store_slow = [](ExecEnv* e, uint64_t addr, unsigned size, uint64_t value) {
      auto* m = static_cast<Machine*>(e->cpu);
      ++m->slow;
      if (addr + size > 0xF000) return false;
      std::memcpy(m->memory.data() + addr, &value, size);
      return true;
    };
    env.raise = [](ExecEnv* e, uint64_t code) { static_cast<Machine*>(e->cpu)->state[63] = code; };
    env.should_exit = [](ExecEnv* e) {
      auto* m = static_cast<Machine*>(e->cpu);
      ++m->exit_questions;
      return m->exit_answer;
    };
  }

  jit::LowerConfig Config() const {
    jit::LowerConfig c = jit::LowerConfig::For(env);
    // Qwords 1-4 may live in host registers; the rest stays in memory.
    for (uint32_t q = 1; q <= 4; ++q) c.promotable.push_back({8 * q, 8});
    return c;
  }
};

/// Compiles `blocks` (head first) as one region.
jit::NativeCode::Entry Compile(jit::Compiler& compiler, std::vector<Block> blocks,
                               std::vector<uint64_t>* exits = nullptr) {
  jit::CompileJob job;
  for (Block& b : blocks) job.region.blocks.push_back(std::make_shared<const Block>(std::move(b)));
  jit::CompileResult r = compiler.CompileNow(job);
  INFO(r.error);
  REQUIRE(r.error.empty());
  REQUIRE(reinterpret_cast<uintptr_t>(r.entry) != 0);
  if (exits != nullptr) *exits = r.exit_targets;
  return r.entry;
}

int64_t RunNative(Machine& m, jit::NativeCode::Entry entry, uint64_t budget = 1'000'000) {
  m.env.budget = budget;
  m.env.insts = 0;
  m.env.fault = false;
  return entry(&m.env);
}

const Type kTypes[] = {Type::kU8, Type::kU16, Type::kU32, Type::kU64};

/// A block computing op(a, b, c) on state qwords 5-7 (typed t, or U8 for shift amounts) into
/// qword 8, zero-extended.
Block OpBlock(Opcode op, Type t) {
  Block b;
  b.guest_pc = 0x1000;
  b.guest_insts = 1;
  IrEmitter e(b);
  Value x = e.LoadState(t, 40), y = e.LoadState(t, 48), n = e.LoadState(Type::kU8, 48);
  Value c = e.Ne(e.LoadState(t, 56), IrEmitter::Imm(t, 0));
  Value r;
  switch (op) {
    case Opcode::kShl:
      r = e.Shl(x, n);
      break;
    case Opcode::kLshr:
      r = e.Lshr(x, n);
      break;
    case Opcode::kAshr:
      r = e.Ashr(x, n);
      break;
    case Opcode::kRotl:
      r = e.Rotl(x, n);
      break;
    case Opcode::kRotr:
      r = e.Rotr(x, n);
      break;
    case Opcode::kNeg:
      r = e.Neg(x);
      break;
    case Opcode::kNot:
      r = e.Not(x);
      break;
    case Opcode::kPopcount:
      r = e.Popcount(x);
      break;
    case Opcode::kCtz:
      r = e.Ctz(x);
      break;
    case Opcode::kClz:
      r = e.Clz(x);
      break;
    case Opcode::kBswap:
      r = e.Bswap(x);
      break;
    case Opcode::kSelect:
      r = e.Select(c, x, y);
      break;
    case Opcode::kSExt:
      r = e.SExt(Type::kU64, x);
      break;
    case Opcode::kTrunc:
      r = t == Type::kU8 ? x : e.Trunc(Type::kU8, x);
      break;
    case Opcode::kEq:
      r = e.Eq(x, y);
      break;
    case Opcode::kNe:
      r = e.Ne(x, y);
      break;
    case Opcode::kUlt:
      r = e.Ult(x, y);
      break;
    case Opcode::kUle:
      r = e.Ule(x, y);
      break;
    case Opcode::kSlt:
      r = e.Slt(x, y);
      break;
    case Opcode::kSle:
      r = e.Sle(x, y);
      break;
    case Opcode::kAdd:
      r = e.Add(x, y);
      break;
    case Opcode::kSub:
      r = e.Sub(x, y);
      break;
    case Opcode::kMul:
      r = e.Mul(x, y);
      break;
    case Opcode::kUMulHi:
      r = e.UMulHi(x, y);
      break;
    case Opcode::kSMulHi:
      r = e.SMulHi(x, y);
      break;
    case Opcode::kAnd:
      r = e.And(x, y);
      break;
    case Opcode::kOr:
      r = e.Or(x, y);
      break;
    default:
      r = e.Xor(x, y);
      break;
  }
  e.StoreState(64, r.type == Type::kU64 ? r : e.ZExt(Type::kU64, r));
  e.Exit();
  return b;
}

}  // namespace

TEST_CASE("tier 1: every pure operation agrees with tier 0, at every width") {
  Machine m;
  jit::Compiler compiler(m.Config());
  const Opcode ops[] = {Opcode::kAdd,  Opcode::kSub,   Opcode::kMul,      Opcode::kUMulHi,
                        Opcode::kSMulHi, Opcode::kAnd, Opcode::kOr,       Opcode::kXor,
                        Opcode::kNeg,  Opcode::kNot,   Opcode::kShl,      Opcode::kLshr,
                        Opcode::kAshr, Opcode::kRotl,  Opcode::kRotr,     Opcode::kSExt,
                        Opcode::kTrunc, Opcode::kPopcount, Opcode::kCtz,  Opcode::kClz,
                        Opcode::kBswap, Opcode::kEq,   Opcode::kNe,       Opcode::kUlt,
                        Opcode::kUle,  Opcode::kSlt,   Opcode::kSle,      Opcode::kSelect};
  // Edge values first (zero, one, all ones, the sign bit, shift counts at and past the width),
  // then random ones.
  const uint64_t edges[] = {0, 1, 7, 8, 15, 16, 31, 32, 63, 64, 65, 0x7F, 0x80, 0xFF,
                            0x8000, 0x80000000, 0x8000000000000000ull, ~0ull};
  std::mt19937_64 rng(6);
  int compared = 0;
  for (Opcode op : ops)
    for (Type t : kTypes) {
      Block block = OpBlock(op, t);
      jit::InterpBlock interp = jit::Interpreter::Compile(block);
      jit::NativeCode::Entry native = Compile(compiler, {block});
      for (int i = 0; i < 400; ++i) {
        uint64_t in[3];
        for (uint64_t& v : in) v = i < 324 ? edges[rng() % std::size(edges)] : rng();
        if (i < 324) in[0] = edges[i % std::size(edges)], in[1] = edges[i / std::size(edges)];
        for (int k = 0; k < 3; ++k) m.state[5 + k] = in[k];
        m.state[8] = 0x5555;
        jit::Interpreter::Run(interp, m.env);
        const uint64_t want = m.state[8];
        m.state[8] = 0x5555;
        CHECK(RunNative(m, native) == -1);
        INFO(Info(op).name, " ", TypeName(t), " a=", in[0], " b=", in[1], " c=", in[2]);
        REQUIRE(m.state[8] == want);
        ++compared;
      }
    }
  CHECK(compared == 28 * 4 * 400);
}

TEST_CASE("tier 1: loads and stores hit the TLB, miss to the slow path, and fault precisely") {
  Machine m;
  jit::Compiler compiler(m.Config());
  Block b;
  b.guest_pc = 0x2000;
  b.guest_insts = 3;
  IrEmitter e(b);
  // insn 0: q1 = mem64[q5]; insn 1: mem32[q6] = q1 + 1 (q6 may fault); insn 2: q2 = mem8[q5]
  e.SetGuestOffset(0);
  Value v = e.LoadMem(Type::kU64, e.LoadState(Type::kU64, 40));
  e.StoreState(8, v);
  e.SetGuestOffset(4);
  e.StoreMem(e.LoadState(Type::kU64, 48), e.Trunc(Type::kU32, e.Add(v, IrEmitter::Imm64(1))));
  e.SetGuestOffset(9);
  e.StoreState(16, e.ZExt(Type::kU64, e.LoadMem(Type::kU8, e.LoadState(Type::kU64, 40))));
  e.Jump(0x3000);
  std::vector<uint64_t> exits;
  jit::NativeCode::Entry native = Compile(compiler, {b}, &exits);
  REQUIRE(exits == std::vector<uint64_t>{0x3000});

  uint64_t word = 0x1122334455667788;
  std::memcpy(m.memory.data() + 0x100, &word, 8);
  m.state[5] = 0x100;
  m.state[6] = 0x204;
  CHECK(RunNative(m, native) == 0);  // exit slot 0: the jump to 0x3000
  CHECK(m.state[0] == 0x3000);
  CHECK(m.state[1] == word);
  CHECK(m.state[2] == 0x88);
  uint32_t stored;
  std::memcpy(&stored, m.memory.data() + 0x204, 4);
  CHECK(stored == 0x55667789);
  CHECK(m.env.insts == 3);
  const int slow_after_first = m.slow;
  CHECK(RunNative(m, native) == 0);
  CHECK(m.slow == slow_after_first);  // the TLB now holds both pages: no slow path at all

  // A page-crossing store takes the slow path even though the page is in the TLB.
  m.state[6] = 0xFFE;
  CHECK(RunNative(m, native) == 0);
  CHECK(m.slow == slow_after_first + 1);

  // The store faults: PC is the storing instruction's, and the load before it has landed.
  m.state[1] = 0;
  m.state[2] = 0xAB;
  m.state[6] = 0xF100;
  CHECK(RunNative(m, native) == -2);
  CHECK(m.state[0] == 0x2004);
  CHECK(m.state[1] == word);
  CHECK(m.state[2] == 0xAB);  // the instruction after the fault did not run
}

TEST_CASE("tier 1: a loop region runs its back-edge inside, checking budget and requests") {
  Machine m;
  jit::Compiler compiler(m.Config());
  // 0x1000: q1 += 1; q2 += q1; if (q1 < q3) goto 0x1000 else goto 0x1010
  Block b;
  b.guest_pc = 0x1000;
  b.guest_insts = 3;
  IrEmitter e(b);
  Value i = e.Add(e.LoadState(Type::kU64, 8), IrEmitter::Imm64(1));
  e.StoreState(8, i);
  e.StoreState(16, e.Add(e.LoadState(Type::kU64, 16), i));
  e.Branch(e.Ult(i, e.LoadState(Type::kU64, 24)), 0x1000, 0x1010);
  std::vector<uint64_t> exits;
  jit::NativeCode::Entry native = Compile(compiler, {b}, &exits);

  m.state[3] = 100000;
  // A budget of 3000 guest instructions: the loop leaves at a back-edge after 1000 iterations,
  // through a chainable exit back to its own head, with the registers written back.
  int64_t code = RunNative(m, native, 3000);
  REQUIRE(code >= 0);
  CHECK(exits[code] == 0x1000);
  CHECK(m.state[0] == 0x1000);
  CHECK(m.state[1] == 1000);
  CHECK(m.state[2] == 1000 * 1001 / 2);
  CHECK(m.env.insts == 3000);
  // A pending request: the region asks should_exit() at the next back-edge.
  m.request = 1;
  m.exit_answer = false;  // not deliverable (say, IF=0): keep looping
  CHECK(RunNative(m, native, 300) >= 0);
  CHECK(m.state[1] == 1100);
  CHECK(m.exit_questions == 99);  // the 100th back-edge leaves on the budget, unasked
  m.exit_answer = true;
  CHECK(RunNative(m, native) >= 0);
  CHECK(m.state[1] == 1101);
  m.request = 0;
  // Without a limit it runs to the end.
  CHECK(RunNative(m, native, ~0ull) >= 0);
  CHECK(m.state[0] == 0x1010);
  CHECK(m.state[1] == 100000);
  CHECK(m.state[2] == 100000ull * 100001 / 2);
}

TEST_CASE("tier 1: helpers see the registers compiled code holds, and their writes come back") {
  Machine m;
  jit::Compiler compiler(m.Config());
  Block b;
  b.guest_pc = 0x1000;
  b.guest_insts = 2;
  IrEmitter e(b);
  e.StoreState(8, IrEmitter::Imm64(5));  // q1 = 5, promoted
  Value r = e.CallHelper(Type::kU64, 0, IrEmitter::Imm64(7), IrEmitter::Imm64(1));
  e.StoreState(24, e.Add(e.LoadState(Type::kU64, 16), r));  // q3 = q2 (helper's) + 8
  e.Exit();
  jit::NativeCode::Entry native = Compile(compiler, {b});
  m.state[0] = 0x4444;
  CHECK(RunNative(m, native) == -1);
  CHECK(m.helper_calls == 1);
  CHECK(m.state[2] == 5 * 3 + 7);
  CHECK(m.state[3] == 5 * 3 + 7 + 8);
  CHECK(m.state[0] == 0x4444);  // an exit leaves the PC the block stored (none here)
}

TEST_CASE("tier 1: partial writes to a promoted register merge as the interpreter's do") {
  Machine m;
  jit::Compiler compiler(m.Config());
  Block b;
  b.guest_pc = 0x1000;
  b.guest_insts = 1;
  IrEmitter e(b);
  e.StoreState(8, IrEmitter::Imm(Type::kU8, 0xAA));      // AL
  e.StoreState(9, IrEmitter::Imm(Type::kU8, 0xBB));      // AH
  e.StoreState(10, IrEmitter::Imm(Type::kU16, 0xCCDD));  // bits 16-31
  e.StoreState(16, e.ZExt(Type::kU64, e.LoadState(Type::kU16, 9)));
  e.Exit();
  jit::InterpBlock interp = jit::Interpreter::Compile(b);
  jit::NativeCode::Entry native = Compile(compiler, {b});
  m.state[1] = 0x1122334455667788;
  jit::Interpreter::Run(interp, m.env);
  const uint64_t want1 = m.state[1], want2 = m.state[2];
  CHECK(want1 == 0x11223344CCDDBBAA);
  m.state[1] = 0x1122334455667788;
  m.state[2] = 0;
  RunNative(m, native);
  CHECK(m.state[1] == want1);
  CHECK(m.state[2] == want2);
}

TEST_CASE("tier 1: writing the watched word asks should_exit() only when watched bits change") {
  Machine m;
  jit::LowerConfig config = m.Config();
  config.watched_offset = 72;  // qword 9
  config.watched_mask = 0xF0;
  jit::Compiler compiler(config);
  // 0x1000: q9 = q9 ^ q10 ; q1 += 1 ; goto 0x1000 (a back-edge out of a block writing q9)
  Block b;
  b.guest_pc = 0x1000;
  b.guest_insts = 2;
  IrEmitter e(b);
  e.StoreState(72, e.Xor(e.LoadState(Type::kU64, 72), e.LoadState(Type::kU64, 80)));
  e.StoreState(8, e.Add(e.LoadState(Type::kU64, 8), IrEmitter::Imm64(1)));
  e.Jump(0x1000);
  jit::NativeCode::Entry native = Compile(compiler, {b});
  m.exit_answer = false;
  m.state[10] = 0x0F;  // flips unwatched bits only: no questions
  RunNative(m, native, 200);
  CHECK(m.state[1] == 100);
  CHECK(m.exit_questions == 0);
  m.state[10] = 0x10;  // flips a watched bit every iteration: half the edges differ from entry
  RunNative(m, native, 200);
  CHECK(m.state[1] == 200);
  CHECK(m.exit_questions == 50);
}
