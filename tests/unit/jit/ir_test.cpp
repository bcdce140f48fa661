#include "jit/ir/ir.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "jit/ir/emitter.h"
#include "jit/ir/passes.h"

using namespace vireo::ir;

TEST_CASE("emitter builds typed SSA and the dump is the golden text") {
  Block b;
  b.guest_pc = 0x1000;
  b.guest_size = 5;
  b.guest_insts = 2;
  IrEmitter e(b);
  Value eax = e.LoadState(Type::kU32, 0);
  Value sum = e.Add(eax, IrEmitter::Imm32(1));
  e.StoreState(0, sum);
  e.SetGuestOffset(3);
  Value zero = e.Eq(sum, IrEmitter::Imm32(0));
  e.Branch(zero, 0x2000, 0x1005);
  CHECK(sum.type == Type::kU32);
  CHECK(zero.type == Type::kU1);
  CHECK(Dump(b) ==
        "block 0x1000 size 5 insts 2\n"
        "  %0:u32 = LoadState 0x0  @0\n"
        "  %1:u32 = Add %0, 0x1:u32  @0\n"
        "  StoreState 0x0, %1  @0\n"
        "  %3:u1 = Eq.u32 %1, 0x0:u32  @3\n"
        "  branch %3, 0x2000, 0x1005\n");
  CHECK(Verify(b).empty());
}

TEST_CASE("parse is the inverse of dump") {
  const char* text =
      "block 0x400000 size 9 insts 3\n"
      "  %0:u64 = LoadState 0x8  @0\n"
      "  %1:u16 = LoadMem %0  @0\n"
      "  %2:u64 = SExt %1  @0\n"
      "  %3:u8 = Trunc %2  @4\n"
      "  %4:u8 = Shl %3, 0x3:u8  @4\n"
      "  StoreMem %0, %4  @4\n"
      "  %6:u32 = CallHelper 0x7, %0  @7\n"
      "  %7:u1 = Slt.u64 %2, 0xffffffffffffffff:u64  @7\n"
      "  %8:u64 = Select %7, %0, %2  @7\n"
      "  indirect %8\n";
  Block b = Parse(text);
  CHECK(Verify(b).empty());
  CHECK(Dump(b) == text);
  CHECK(b.insts[2].args[0].type == Type::kU16);
}

TEST_CASE("the verifier names type errors and bad references") {
  CHECK(Verify(Parse("%0:u32 = LoadState 0x0\n%1:u32 = Add %0, 0x1:u64\nexit\n"))
            .find("operand 1 is u64, expected u32") != std::string::npos);
  CHECK(Verify(Parse("%0:u32 = LoadState 0x0\n%1:u32 = Shl %0, 0x1:u32\nexit\n"))
            .find("expected u8") != std::string::npos);
  CHECK(Verify(Parse("%0:u32 = LoadState 0x0\nbranch %0, 0x1, 0x2\n")) ==
        "branch condition is not u1");
  CHECK(Verify(Parse("%0:u32 = LoadMem 0x10:u32\nexit\n")).find("expected u64") !=
        std::string::npos);
  CHECK_THROWS_AS(Parse("%1:u32 = Add %0, %0\n"), std::invalid_argument);  // use before def
  CHECK_THROWS_AS(Parse("%0:u32 = Frob 0x1:u32\n"), std::invalid_argument);
  CHECK_THROWS_AS(Parse("%0:u32 = Add 0x1, 0x2:u32\n"), std::invalid_argument);  // untyped imm
}

TEST_CASE("emitter folds trivial conversions and immediate branches") {
  Block b;
  IrEmitter e(b);
  Value v = e.LoadState(Type::kU32, 0);
  CHECK(e.ZExt(Type::kU32, v) == v);
  CHECK(e.ZExt(Type::kU64, IrEmitter::Imm32(0xFFFFFFFF)).imm == 0xFFFFFFFF);
  CHECK(e.Trunc(Type::kU8, IrEmitter::Imm32(0x1234)).imm == 0x34);
  e.Branch(IrEmitter::True(), 0x10, 0x20);
  CHECK(b.terminal.kind == Terminal::Kind::kJump);
  CHECK(b.terminal.target[0] == 0x10);
  CHECK(b.insts.size() == 1);
}
