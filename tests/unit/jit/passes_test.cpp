#include "jit/ir/passes.h"

#include <doctest/doctest.h>

#include <stdexcept>

#include "jit/ir/ir.h"

using namespace vireo::ir;

namespace {
std::string Run(void (*pass)(Block&), const std::string& in) {
  Block b = Parse(in);
  pass(b);
  REQUIRE(Verify(b).empty());
  return Dump(b);
}
}  // namespace

TEST_CASE("constant folding evaluates immediates and identities") {
  CHECK(Run(ConstantFold,
            "block 0x0 size 0 insts 0\n"
            "%0:u32 = Add 0x7fffffff:u32, 0x1:u32\n"
            "%1:u32 = Shl %0, 0x1:u8\n"
            "StoreState 0x0, %1\n"
            "%3:u32 = LoadState 0x4\n"
            "%4:u32 = Add %3, 0x0:u32\n"
            "%5:u32 = And %4, 0xffffffff:u32\n"
            "%6:u1 = Ult.u32 %5, 0x10:u32\n"
            "%7:u1 = Eq.u8 0x3:u8, 0x3:u8\n"
            "%8:u32 = Select %7, %5, 0x9:u32\n"
            "StoreState 0x8, %8\n"
            "branch %6, 0x10, 0x20\n") ==
        "block 0x0 size 0 insts 0\n"
        "  StoreState 0x0, 0x0:u32  @0\n"  // (0x80000000 << 1) wraps to 0 in 32 bits
        "  %3:u32 = LoadState 0x4  @0\n"
        "  %6:u1 = Ult.u32 %3, 0x10:u32  @0\n"
        "  StoreState 0x8, %3  @0\n"
        "  branch %6, 0x10, 0x20\n");
}

TEST_CASE("folding uses the defined semantics for edge cases") {
  auto folded = [](const std::string& expr) {
    Block b = Parse(expr + "\nStoreState 0x0, %0\nexit\n");
    ConstantFold(b);
    for (const Inst& i : b.insts)
      if (!i.dead && i.op == Opcode::kStoreState) return i.args[0].imm;
    FAIL("not folded");
    return uint64_t{0};
  };
  CHECK(folded("%0:u32 = Shl 0x1:u32, 0x20:u8") == 0);           // shift >= width
  CHECK(folded("%0:u8 = Ashr 0x80:u8, 0x9:u8") == 0xFF);         // sign fill
  CHECK(folded("%0:u16 = Rotl 0x8001:u16, 0x11:u8") == 0x0003);  // modulo width
  CHECK(folded("%0:u32 = Ctz 0x0:u32") == 32);
  CHECK(folded("%0:u16 = Clz 0x1:u16") == 15);
  CHECK(folded("%0:u32 = Bswap 0x11223344:u32") == 0x44332211);
  CHECK(folded("%0:u64 = SExt 0x80:u8") == 0xFFFFFFFFFFFFFF80);
  CHECK(folded("%0:u32 = SMulHi 0xffffffff:u32, 0x2:u32") == 0xFFFFFFFF);  // -1*2 = -2
  CHECK(folded("%0:u64 = UMulHi 0xffffffffffffffff:u64, 0x2:u64") == 1);
  CHECK(folded("%0:u8 = Neg 0x1:u8") == 0xFF);
  CHECK(folded("%0:u1 = Slt.u16 0x8000:u16, 0x1:u16") == 1);
}

TEST_CASE("state loads forward from stores and earlier loads until a helper") {
  CHECK(Run(ForwardStateLoads,
            "%0:u32 = LoadState 0x0\n"
            "%1:u32 = Add %0, 0x1:u32\n"
            "StoreState 0x0, %1\n"
            "%3:u32 = LoadState 0x0\n"  // forwarded: %1
            "%4:u32 = LoadState 0x8\n"
            "%5:u32 = LoadState 0x8\n"  // reuses %4
            "%6:u16 = LoadState 0x0\n"  // different width: kept
            "%7:u32 = CallHelper 0x1\n"
            "%8:u32 = LoadState 0x8\n"  // after a helper: kept
            "%9:u32 = Add %3, %5\n"
            "%10:u32 = Add %9, %8\n"
            "StoreState 0x10, %10\n"
            "StoreState 0x14, %6\n"
            "exit\n") ==
        "block 0x0 size 0 insts 0\n"
        "  %0:u32 = LoadState 0x0  @0\n"
        "  %1:u32 = Add %0, 0x1:u32  @0\n"
        "  StoreState 0x0, %1  @0\n"
        "  %4:u32 = LoadState 0x8  @0\n"
        "  %6:u16 = LoadState 0x0  @0\n"
        "  %7:u32 = CallHelper 0x1  @0\n"
        "  %8:u32 = LoadState 0x8  @0\n"
        "  %9:u32 = Add %1, %4  @0\n"
        "  %10:u32 = Add %9, %8  @0\n"
        "  StoreState 0x10, %10  @0\n"
        "  StoreState 0x14, %6  @0\n"
        "  exit\n");
}

TEST_CASE("dead flag stores go, but not across loads, exits-in-waiting or helpers") {
  CHECK(Run(EliminateDeadStateStores,
            "StoreState 0x100, 0x1:u32\n"  // live: the LoadMem below may fault before 0x100 is
                                           // rewritten
            "StoreState 0x108, 0x2:u64\n"  // live: read by the load
            "%2:u64 = LoadState 0x108\n"
            "StoreState 0x108, %2\n"  // live: memory op below may fault
            "%4:u8 = LoadMem %2\n"
            "StoreState 0x108, 0x5:u64\n"  // live: a narrower store does not cover it
            "StoreState 0x108, 0x6:u32\n"
            "StoreState 0x100, 0x7:u32\n"
            "StoreState 0x120, %4\n"
            "exit\n") ==
        "block 0x0 size 0 insts 0\n"
        "  StoreState 0x100, 0x1:u32  @0\n"
        "  StoreState 0x108, 0x2:u64  @0\n"
        "  %2:u64 = LoadState 0x108  @0\n"
        "  StoreState 0x108, %2  @0\n"
        "  %4:u8 = LoadMem %2  @0\n"
        "  StoreState 0x108, 0x5:u64  @0\n"
        "  StoreState 0x108, 0x6:u32  @0\n"
        "  StoreState 0x100, 0x7:u32  @0\n"
        "  StoreState 0x120, %4  @0\n"
        "  exit\n");
}

TEST_CASE("lazy-flag stores of back-to-back ALU instructions are dead") {
  // add eax, ebx; sub eax, ecx: the first instruction's flag fields are never observed.
  CHECK(Run(EliminateDeadStateStores,
            "%0:u32 = LoadState 0x0\n"
            "%1:u32 = LoadState 0x18\n"
            "%2:u32 = Add %0, %1\n"
            "StoreState 0x0, %2\n"
            "StoreState 0x200, 0x1:u32  @0\n"  // cc_op
            "StoreState 0x208, %2  @0\n"       // cc_dst (u32 into the low half)
            "%6:u32 = LoadState 0x8  @2\n"
            "%7:u32 = Sub %2, %6  @2\n"
            "StoreState 0x0, %7  @2\n"
            "StoreState 0x200, 0x2:u32  @2\n"
            "StoreState 0x208, %7  @2\n"
            "exit\n") ==
        "block 0x0 size 0 insts 0\n"
        "  %0:u32 = LoadState 0x0  @0\n"
        "  %1:u32 = LoadState 0x18  @0\n"
        "  %2:u32 = Add %0, %1  @0\n"
        "  %6:u32 = LoadState 0x8  @2\n"
        "  %7:u32 = Sub %2, %6  @2\n"
        "  StoreState 0x0, %7  @2\n"
        "  StoreState 0x200, 0x2:u32  @2\n"
        "  StoreState 0x208, %7  @2\n"
        "  exit\n");
}

TEST_CASE("dead code keeps memory loads (they may fault) and anything used") {
  CHECK(Run(EliminateDeadCode,
            "%0:u64 = LoadState 0x0\n"
            "%1:u64 = Add %0, 0x1:u64\n"  // unused chain: removed
            "%2:u64 = Mul %1, %1\n"
            "%3:u32 = LoadMem %0\n"  // unused but may fault: kept
            "%4:u1 = Eq.u64 %0, 0x0:u64\n"
            "branch %4, 0x1, 0x2\n") ==
        "block 0x0 size 0 insts 0\n"
        "  %0:u64 = LoadState 0x0  @0\n"
        "  %3:u32 = LoadMem %0  @0\n"
        "  %4:u1 = Eq.u64 %0, 0x0:u64  @0\n"
        "  branch %4, 0x1, 0x2\n");
}

TEST_CASE("the pipeline throws on a verifier failure") {
  Block b = Parse("%0:u32 = LoadState 0x0\n%1:u32 = Add %0, 0x1:u64\nStoreState 0x0, %1\nexit\n");
  CHECK_THROWS_AS(Optimize(b), std::logic_error);
}
