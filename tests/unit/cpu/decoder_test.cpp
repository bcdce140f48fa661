// Focused decoder tests: prefixes, REX, addressing forms, immediates, length limits,
// truncation, LOCK rules, mode validity, VEX/EVEX/XOP, BMI, mandatory prefixes, operand
// details and the formatter. Expected values come from the SDM rules cited per case.

#include "cpu/x86/decoder.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <initializer_list>
#include <string>
#include <vector>

namespace vireo::x86 {
namespace {

constexpr CodeSize k16 = CodeSize::k16;
constexpr CodeSize k32 = CodeSize::k32;
constexpr CodeSize k64 = CodeSize::k64;

DecodeStatus Status(CodeSize mode, std::vector<uint8_t> bytes) {
  DecodedInst inst;
  return Decode(bytes, mode, inst);
}

// Decodes `bytes` and requires success.
DecodedInst Dec(CodeSize mode, std::vector<uint8_t> bytes) {
  DecodedInst inst;
  const DecodeStatus status = Decode(bytes, mode, inst);
  REQUIRE(status == DecodeStatus::kOk);
  return inst;
}

std::string Text(CodeSize mode, std::vector<uint8_t> bytes) {
  return Format(Dec(mode, std::move(bytes)));
}

TEST_CASE("prefixes: any order and number gives the same instruction (SDM 2.1.1)") {
  std::vector<uint8_t> prefixes = {0x66, 0x67, 0x2E, 0xF0};
  std::sort(prefixes.begin(), prefixes.end());
  int permutations = 0;
  do {
    std::vector<uint8_t> bytes = prefixes;
    bytes.insert(bytes.end(), {0x01, 0x00});
    const DecodedInst inst = Dec(k32, bytes);
    CHECK(inst.length == 6);
    CHECK(inst.mnemonic == Mnemonic::kADD);
    CHECK(inst.operand_size == 2);
    CHECK(inst.address_size == 2);
    CHECK(inst.mem.base == 3);  // [bx+si]
    CHECK(inst.mem.index == 6);
    CHECK(inst.mem.segment == Seg::kCS);
    CHECK(inst.prefixes == (kPrefixLock | kPrefixOpSize | kPrefixAddrSize));
    ++permutations;
  } while (std::next_permutation(prefixes.begin(), prefixes.end()));
  CHECK(permutations == 24);
  // Repeated prefixes are allowed; the 15-byte limit is what bounds them.
  CHECK(Dec(k32, {0x66, 0x66, 0x66, 0x66, 0x90}).length == 5);
}

TEST_CASE("prefixes: the last segment override wins") {
  DecodedInst inst = Dec(k32, {0x26, 0x2E, 0x36, 0x8B, 0x00});
  CHECK(inst.segment_override == Seg::kSS);
  CHECK(inst.mem.segment == Seg::kSS);
  inst = Dec(k16, {0x65, 0x64, 0x8B, 0x07});
  CHECK(inst.mem.segment == Seg::kFS);
  // 64-bit mode: CS/DS/ES/SS overrides are ignored for addressing (SDM 3.3.7.1 Vol. 1);
  // the raw last prefix is still reported.
  inst = Dec(k64, {0x64, 0x3E, 0x8B, 0x00});
  CHECK(inst.segment_override == Seg::kDS);
  CHECK(inst.mem.segment == Seg::kFS);
  inst = Dec(k64, {0x2E, 0x8B, 0x45, 0x00});
  CHECK(inst.mem.segment == Seg::kSS);  // rbp base, CS override ignored
  inst = Dec(k64, {0x65, 0x8B, 0x45, 0x00});
  CHECK(inst.mem.segment == Seg::kGS);
}

TEST_CASE("REX: effective only immediately before the opcode (SDM 2.2.1)") {
  DecodedInst inst = Dec(k64, {0x48, 0x66, 0x01, 0xC0});  // REX.W then 66: REX ignored
  CHECK(inst.rex == 0);
  CHECK(inst.operand_size == 2);
  CHECK(Format(inst) == "add ax, ax");
  inst = Dec(k64, {0x66, 0x48, 0x01, 0xC0});  // REX.W wins over 66
  CHECK(inst.rex == 0x48);
  CHECK(inst.operand_size == 8);
  CHECK(Format(inst) == "add rax, rax");
  inst = Dec(k64, {0x41, 0x2E, 0x8B, 0x00});  // REX.B cancelled by the segment prefix
  CHECK(Format(inst) == "mov eax, dword ptr cs:[rax]");
  inst = Dec(k64, {0x48, 0x41, 0x8B, 0x00});  // two REX: only the last one counts
  CHECK(inst.rex == 0x41);
  CHECK(Format(inst) == "mov eax, dword ptr [r8]");
  // In 16/32-bit code 40-4F are INC/DEC.
  CHECK(Text(k32, {0x48}) == "dec eax");
  CHECK(Text(k16, {0x41}) == "inc cx");
  // A REX prefix alone needs more bytes.
  CHECK(Status(k64, {0x48}) == DecodeStatus::kTruncated);
}

TEST_CASE("16-bit ModRM addressing forms (SDM Table 2-1)") {
  struct Form {
    uint8_t modrm;
    const char* text;
    Seg seg;
    int length;
  };
  const Form forms[] = {
      {0x00, "[bx + si]", Seg::kDS, 2},
      {0x01, "[bx + di]", Seg::kDS, 2},
      {0x02, "[bp + si]", Seg::kSS, 2},
      {0x03, "[bp + di]", Seg::kSS, 2},
      {0x04, "[si]", Seg::kDS, 2},
      {0x05, "[di]", Seg::kDS, 2},
      {0x06, "[0x3412]", Seg::kDS, 4},
      {0x07, "[bx]", Seg::kDS, 2},
      {0x46, "[bp + 0x12]", Seg::kSS, 3},
      {0x47, "[bx + 0x12]", Seg::kDS, 3},
      {0x80, "[bx + si + 0x3412]", Seg::kDS, 4},
      {0x86, "[bp + 0x3412]", Seg::kSS, 4},
  };
  for (const Form& f : forms) {
    CAPTURE(f.modrm);
    const DecodedInst inst = Dec(k16, {0x8B, f.modrm, 0x12, 0x34});
    CHECK(inst.length == f.length);
    CHECK(inst.address_size == 2);
    CHECK(inst.mem.segment == f.seg);
    CHECK(Format(inst) == std::string("mov ax, word ptr ") + f.text);
  }
  // Negative disp8 is sign-extended.
  const DecodedInst neg = Dec(k16, {0x8B, 0x46, 0xFE});
  CHECK(neg.mem.disp == -2);
  CHECK(Format(neg) == "mov ax, word ptr [bp - 2]");
  // 67 selects 16-bit addressing in 32-bit code, 32-bit addressing in 16-bit code.
  CHECK(Text(k32, {0x67, 0x8B, 0x07}) == "mov eax, dword ptr [bx]");
  CHECK(Text(k16, {0x67, 0x8B, 0x07}) == "mov ax, word ptr [edi]");
}

TEST_CASE("32/64-bit ModRM and SIB forms (SDM Tables 2-2, 2-3)") {
  // SIB with no base: mod = 00, base = 101 -> disp32 only.
  DecodedInst inst = Dec(k32, {0x8B, 0x04, 0x8D, 0x78, 0x56, 0x34, 0x12});
  CHECK(inst.length == 7);
  CHECK(inst.has_sib);
  CHECK(inst.mem.base == kRegNone);
  CHECK(inst.mem.index == 1);
  CHECK(inst.mem.scale == 4);
  CHECK(inst.mem.disp == 0x12345678);
  CHECK(Format(inst) == "mov eax, dword ptr [ecx*4 + 0x12345678]");
  // Index 100b means no index.
  inst = Dec(k32, {0x8B, 0x04, 0x25, 0x78, 0x56, 0x34, 0x12});
  CHECK(inst.mem.index == kRegNone);
  CHECK(Format(inst) == "mov eax, dword ptr [0x12345678]");
  // In 64-bit mode the SIB no-base form is absolute, not RIP-relative; REX.X makes 100b R12.
  inst = Dec(k64, {0x42, 0x8B, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00});
  CHECK(inst.mem.base == kRegNone);
  CHECK(inst.mem.index == 12);
  CHECK(Format(inst) == "mov eax, dword ptr [r12 + 0x1000]");
  // rSP/rBP bases default to SS; R12/R13 do not.
  CHECK(Dec(k32, {0x8B, 0x44, 0x24, 0x08}).mem.segment == Seg::kSS);
  CHECK(Dec(k32, {0x8B, 0x45, 0x08}).mem.segment == Seg::kSS);
  CHECK(Dec(k64, {0x41, 0x8B, 0x45, 0x08}).mem.segment == Seg::kDS);
  CHECK(Dec(k64, {0x41, 0x8B, 0x04, 0x24}).mem.segment == Seg::kDS);
  CHECK(Text(k64, {0x41, 0x8B, 0x45, 0x00}) == "mov eax, dword ptr [r13]");
  // disp8 sign extension, disp32 sign extension in 64-bit mode.
  CHECK(Dec(k32, {0x8B, 0x40, 0x80}).mem.disp == -128);
  CHECK(Dec(k64, {0x8B, 0x80, 0x00, 0x00, 0x00, 0x80}).mem.disp == -0x80000000LL);
}

TEST_CASE("RIP-relative and EIP-relative addressing (SDM 2.2.1.6)") {
  DecodedInst inst = Dec(k64, {0x8B, 0x05, 0x10, 0x00, 0x00, 0x00});
  CHECK(inst.mem.base == kRegRip);
  CHECK(inst.mem.disp == 0x10);
  CHECK(inst.mem.address_size == 8);
  CHECK(Format(inst) == "mov eax, dword ptr [rip + 0x10]");
  inst = Dec(k64, {0x67, 0x8B, 0x05, 0xF0, 0xFF, 0xFF, 0xFF});
  CHECK(inst.mem.base == kRegRip);
  CHECK(inst.mem.address_size == 4);
  CHECK(Format(inst) == "mov eax, dword ptr [eip - 0x10]");
  // The same encoding in 32-bit code is an absolute disp32.
  CHECK(Dec(k32, {0x8B, 0x05, 0x10, 0x00, 0x00, 0x00}).mem.base == kRegNone);
}

TEST_CASE("moffs operands follow the address size (SDM MOV A0-A3)") {
  DecodedInst inst = Dec(k16, {0xA1, 0x34, 0x12});
  CHECK(inst.length == 3);
  CHECK(inst.mem.disp == 0x1234);
  inst = Dec(k16, {0x67, 0xA1, 0x78, 0x56, 0x34, 0x12});
  CHECK(inst.length == 6);
  CHECK(inst.mem.address_size == 4);
  CHECK(Dec(k32, {0x67, 0xA1, 0x34, 0x12}).length == 4);
  inst = Dec(k64, {0xA1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11});
  CHECK(inst.length == 9);
  CHECK(static_cast<uint64_t>(inst.mem.disp) == 0x1122334455667788ull);
  CHECK(inst.operands[0].size == 4);
  inst = Dec(k64, {0x67, 0x48, 0xA3, 0x00, 0x00, 0x00, 0x80});
  CHECK(inst.length == 7);
  CHECK(inst.mem.disp == 0x80000000);  // zero-extended address
  CHECK(Format(inst) == "mov qword ptr [0x80000000], rax");
}

TEST_CASE("immediates: imm64, ENTER, far pointers, sign extension") {
  DecodedInst inst = Dec(k64, {0x48, 0xB8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11});
  CHECK(inst.length == 10);
  CHECK(static_cast<uint64_t>(inst.imm[0]) == 0x1122334455667788ull);
  CHECK(inst.operands[1].size == 8);
  CHECK(Text(k64, {0x49, 0xBF, 1, 0, 0, 0, 0, 0, 0, 0}) == "mov r15, 1");
  CHECK(Dec(k64, {0xB8, 0x78, 0x56, 0x34, 0x12}).length == 5);  // no REX.W: imm32
  inst = Dec(k32, {0xC8, 0x34, 0x12, 0x05});
  CHECK(inst.imm[0] == 0x1234);
  CHECK(inst.imm[1] == 5);
  inst = Dec(k32, {0x9A, 0x78, 0x56, 0x34, 0x12, 0xCD, 0xAB});
  CHECK(inst.operands[0].kind == OperandKind::kFarPtr);
  CHECK(inst.operands[0].size == 6);
  CHECK(inst.imm[0] == 0x12345678);
  CHECK(inst.imm[1] == 0xABCD);
  CHECK(Dec(k16, {0xEA, 0x34, 0x12, 0xCD, 0xAB}).length == 5);
  // Ib sign-extended to the operand size (83, 6A, 6B), Iz sign-extended to 64 bits.
  CHECK(static_cast<uint64_t>(Dec(k32, {0x83, 0xC0, 0xFF}).imm[0]) == 0xFFFFFFFFull);
  CHECK(static_cast<uint64_t>(Dec(k64, {0x48, 0x83, 0xC0, 0xFF}).imm[0]) == ~0ull);
  CHECK(static_cast<uint64_t>(Dec(k64, {0x66, 0x83, 0xC0, 0xFF}).imm[0]) == 0xFFFFull);
  CHECK(static_cast<uint64_t>(Dec(k64, {0x6A, 0xFF}).imm[0]) == ~0ull);
  CHECK(static_cast<uint64_t>(Dec(k64, {0x48, 0x05, 0, 0, 0, 0x80}).imm[0]) ==
        0xFFFFFFFF80000000ull);
  CHECK(static_cast<uint64_t>(Dec(k32, {0x05, 0, 0, 0, 0x80}).imm[0]) == 0x80000000ull);
  CHECK(Dec(k32, {0x80, 0xC0, 0xFF}).imm[0] == 0xFF);
  CHECK(Text(k32, {0x83, 0xC0, 0xFF}) == "add eax, 0xffffffff");
  // Relative branches give the sign-extended displacement.
  inst = Dec(k64, {0xEB, 0xFE});
  CHECK(inst.operands[0].kind == OperandKind::kRel);
  CHECK(inst.imm[0] == -2);
  CHECK(Format(inst, 0x1000) == "jmp 0x1000");
  CHECK(Dec(k32, {0xE8, 0, 0, 0, 0x80}).imm[0] == -0x80000000LL);
  CHECK(Format(Dec(k16, {0xE9, 0xFD, 0xFF}), 0x100) == "jmp 0x100");
}

TEST_CASE("15-byte limit: longer instructions are #GP (SDM 2.3.11)") {
  std::vector<uint8_t> ok(14, 0x66);
  ok.push_back(0x90);
  CHECK(Dec(k32, ok).length == 15);
  std::vector<uint8_t> too_long(15, 0x66);
  too_long.push_back(0x90);
  CHECK(Status(k32, too_long) == DecodeStatus::kTooLong);
  too_long.resize(15);  // even when only 15 bytes are available
  CHECK(Status(k32, too_long) == DecodeStatus::kTooLong);
  // 10 prefixes + 81 /0 with SIB, disp32, imm32 = 21 bytes.
  std::vector<uint8_t> big(10, 0x2E);
  big.insert(big.end(), {0x81, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8});
  CHECK(Status(k32, big) == DecodeStatus::kTooLong);
  big.resize(15);
  CHECK(Status(k32, big) == DecodeStatus::kTooLong);
  big.resize(12);  // not yet known to be too long: more bytes are needed
  CHECK(Status(k32, big) == DecodeStatus::kTruncated);
  // Exactly 15 bytes with REX and imm64.
  std::vector<uint8_t> max = {0x66, 0x66, 0x66, 0x66, 0x48, 0xB8, 1, 2, 3, 4, 5, 6, 7, 8};
  CHECK(Dec(k64, max).length == 14);
  max.insert(max.begin(), 0x2E);
  CHECK(Dec(k64, max).length == 15);
  max.insert(max.begin(), 0x2E);
  CHECK(Status(k64, max) == DecodeStatus::kTooLong);
}

TEST_CASE("truncated input asks for more bytes, distinct from #UD") {
  const std::vector<uint8_t> full = {0x48, 0x8B, 0x84, 0x24, 0x44, 0x33, 0x22, 0x11};
  for (size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    CHECK(Status(k64, std::vector<uint8_t>(full.begin(), full.begin() + n)) ==
          DecodeStatus::kTruncated);
  }
  CHECK(Dec(k64, full).length == 8);
  CHECK(Status(k32, {}) == DecodeStatus::kTruncated);
  CHECK(Status(k32, {0x0F}) == DecodeStatus::kTruncated);
  CHECK(Status(k32, {0x0F, 0x38}) == DecodeStatus::kTruncated);
  CHECK(Status(k32, {0x66, 0x0F, 0x3A, 0x0F, 0xC1}) == DecodeStatus::kTruncated);  // needs ib
  CHECK(Status(k32, {0xC4}) == DecodeStatus::kTruncated);  // LES or VEX: needs the next byte
  CHECK(Status(k32, {0x0F, 0x0F, 0xC1}) == DecodeStatus::kTruncated);  // 3DNow! suffix
}

TEST_CASE("LOCK: only lockable instructions with a memory destination (SDM LOCK)") {
  CHECK(Text(k32, {0xF0, 0x01, 0x00}) == "lock add dword ptr [eax], eax");
  CHECK(Status(k32, {0xF0, 0x01, 0xC0}) == DecodeStatus::kUndefined);  // register destination
  CHECK(Status(k32, {0xF0, 0x8B, 0x00}) == DecodeStatus::kUndefined);  // MOV
  CHECK(Status(k32, {0xF0, 0x39, 0x00}) == DecodeStatus::kUndefined);  // CMP
  CHECK(Status(k32, {0xF0, 0x90}) == DecodeStatus::kUndefined);
  CHECK(Status(k32, {0xF0, 0x0F, 0xBA, 0x20, 0x05}) == DecodeStatus::kUndefined);  // BT
  CHECK(Status(k32, {0xF0, 0x0F, 0x20, 0xC0}) == DecodeStatus::kUndefined);        // AMD CR8 alias
  CHECK(Status(k32, {0xF0, 0x80, 0x38, 0x01}) == DecodeStatus::kUndefined);        // 80 /7 CMP
  for (std::vector<uint8_t> ok :
       std::initializer_list<std::vector<uint8_t>>{{0xF0, 0x87, 0x00},
                                                   {0xF0, 0x0F, 0xC7, 0x08},
                                                   {0xF0, 0x0F, 0xBA, 0x28, 0x05},
                                                   {0xF0, 0xF6, 0x10},
                                                   {0xF0, 0x0F, 0xC1, 0x00},
                                                   {0xF0, 0x0F, 0xB1, 0x00},
                                                   {0xF0, 0xFE, 0x00},
                                                   {0xF0, 0x83, 0x30, 0x01}}) {
    CAPTURE(ok[1]);
    const DecodedInst inst = Dec(k32, ok);
    CHECK(inst.Has(kAttrLockable));
    CHECK((inst.prefixes & kPrefixLock) != 0);
  }
}

TEST_CASE("mode validity: i64 / o64 opcodes and the 64-bit defaults") {
  for (uint8_t op :
       {0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x27, 0x2F, 0x37, 0x3F, 0x60, 0x61, 0xCE, 0xD6}) {
    CAPTURE(op);
    CHECK(Status(k64, {op, 0, 0, 0, 0, 0, 0, 0}) == DecodeStatus::kUndefined);
    CHECK(Dec(k32, {op, 0, 0, 0, 0, 0, 0, 0}).Has(kAttrInvalid64));
  }
  CHECK(Status(k64, {0x82, 0xC0, 0x01}) == DecodeStatus::kUndefined);
  CHECK(Status(k64, {0x9A, 0, 0, 0, 0, 0, 0}) == DecodeStatus::kUndefined);
  CHECK(Status(k64, {0xEA, 0, 0, 0, 0, 0, 0}) == DecodeStatus::kUndefined);
  CHECK(Status(k64, {0xD4, 0x0A}) == DecodeStatus::kUndefined);
  CHECK(Text(k64, {0x48, 0x63, 0xC1}) == "movsxd rax, ecx");
  CHECK(Text(k32, {0x63, 0xC1}) == "arpl cx, ax");
  CHECK(Status(k32, {0x0F, 0x05}) == DecodeStatus::kUndefined);        // SYSCALL is o64 on Intel
  CHECK(Status(k16, {0x0F, 0x01, 0xF8}) == DecodeStatus::kUndefined);  // SWAPGS
  CHECK(Dec(k64, {0x0F, 0x05}).Has(kAttrOnly64));
  // d64: PUSH/POP default to 64 bits, 66 selects 16; f64: near branches ignore 66 (Intel).
  CHECK(Dec(k64, {0x50}).operand_size == 8);
  CHECK(Text(k64, {0x66, 0x50}) == "push ax");
  CHECK(Dec(k64, {0xFF, 0xD0}).operand_size == 8);
  CHECK(Text(k64, {0x66, 0xFF, 0xD0}) == "call rax");
  CHECK(Dec(k64, {0x66, 0xE8, 0, 0, 0, 0}).length == 6);
  CHECK(Dec(k64, {0x66, 0x0F, 0x84, 0, 0, 0, 0}).length == 7);
  CHECK(Dec(k32, {0x66, 0xE8, 0, 0}).length == 4);  // rel16 outside 64-bit mode
  CHECK(Dec(k64, {0xC3}).Has(kAttrForce64));
  // MOV CR/DR: 64-bit in 64-bit mode, 32-bit otherwise, regardless of 66/REX.W.
  CHECK(Text(k64, {0x0F, 0x20, 0xC0}) == "mov rax, cr0");
  CHECK(Text(k32, {0x66, 0x0F, 0x20, 0xC0}) == "mov eax, cr0");
  CHECK(Text(k16, {0x0F, 0x22, 0xD8}) == "mov cr3, eax");
}

TEST_CASE("VEX, EVEX and XOP: #UD, and the LES/LDS/BOUND distinction outside 64-bit mode") {
  CHECK(Status(k64, {0xC5, 0xF8, 0x77}) == DecodeStatus::kUndefined);              // VZEROUPPER
  CHECK(Status(k64, {0xC4, 0xE1, 0x78, 0x10, 0xC1}) == DecodeStatus::kUndefined);  // VMOVUPS
  CHECK(Status(k64, {0x62, 0xF1, 0x7C, 0x48, 0x10, 0xC1}) == DecodeStatus::kUndefined);
  CHECK(Status(k64, {0x8F, 0xE8, 0x78, 0xC0, 0xC0, 0x05}) == DecodeStatus::kUndefined);
  CHECK(Status(k32, {0x8F, 0xE8, 0x78, 0xC0, 0xC0, 0x05}) == DecodeStatus::kUndefined);
  CHECK(Status(k32, {0xC5, 0xF8, 0x77}) == DecodeStatus::kUndefined);
  CHECK(Status(k32, {0x62, 0xC0, 0, 0, 0, 0}) == DecodeStatus::kUndefined);
  // Memory ModRM after C4/C5/62 outside 64-bit mode: LES/LDS/BOUND.
  CHECK(Text(k32, {0xC4, 0x00}) == "les eax, fword ptr [eax]");
  CHECK(Text(k32, {0xC5, 0x00}) == "lds eax, fword ptr [eax]");
  CHECK(Text(k16, {0xC4, 0x00}) == "les ax, dword ptr [bx + si]");
  CHECK(Text(k32, {0x62, 0x00}) == "bound eax, qword ptr [eax]");
  CHECK(Text(k32, {0x8F, 0x00}) == "pop dword ptr [eax]");
  CHECK(Text(k64, {0x8F, 0xC0}) == "pop rax");
  CHECK(Status(k32, {0x8F, 0x08}) == DecodeStatus::kUndefined);  // 8F /1
  // VEX after 66/F2/F3/LOCK/REX is #UD (SDM 2.3.2).
  CHECK(Status(k64, {0x66, 0xC4, 0xE2, 0x70, 0xF2, 0xC2}) == DecodeStatus::kUndefined);
  CHECK(Status(k64, {0xF3, 0xC4, 0xE2, 0x70, 0xF2, 0xC2}) == DecodeStatus::kUndefined);
  CHECK(Status(k64, {0x48, 0xC4, 0xE2, 0x70, 0xF2, 0xC2}) == DecodeStatus::kUndefined);
  CHECK(Status(k64, {0xF0, 0xC4, 0xE2, 0x70, 0xF2, 0xC2}) == DecodeStatus::kUndefined);
  // Reserved VEX map selects are #UD.
  CHECK(Status(k64, {0xC4, 0xE4, 0x70, 0xF2, 0xC2}) == DecodeStatus::kUndefined);
}

TEST_CASE("VEX-encoded BMI1/BMI2 decode fully") {
  DecodedInst inst = Dec(k64, {0xC4, 0xE2, 0xF0, 0xF2, 0xC2});  // W1, vvvv = 1
  CHECK(inst.mnemonic == Mnemonic::kANDN);
  CHECK((inst.prefixes & kPrefixVex) != 0);
  CHECK(inst.map == OpcodeMap::kVex0F38);
  CHECK(inst.vex_vvvv == 1);
  CHECK(inst.vex_l_w == 2);
  CHECK(inst.operand_size == 8);
  CHECK(inst.isa == Isa::kBMI1);
  CHECK(Format(inst) == "andn rax, rcx, rdx");
  CHECK(Text(k32, {0xC4, 0xE2, 0xF0, 0xF2, 0xC2}) == "andn eax, ecx, edx");  // W ignored
  CHECK(Text(k64, {0xC4, 0xE2, 0x70, 0xF3, 0xCA}) == "blsr ecx, edx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x70, 0xF3, 0xD2}) == "blsmsk ecx, edx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x70, 0xF3, 0xDA}) == "blsi ecx, edx");
  CHECK(Status(k64, {0xC4, 0xE2, 0x70, 0xF3, 0xC2}) == DecodeStatus::kUndefined);  // /0
  CHECK(Text(k64, {0xC4, 0xE3, 0x7B, 0xF0, 0xC1, 0x05}) == "rorx eax, ecx, 5");
  CHECK(Text(k64, {0xC4, 0xE2, 0x71, 0xF7, 0xC2}) == "shlx eax, edx, ecx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x72, 0xF7, 0xC2}) == "sarx eax, edx, ecx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x73, 0xF7, 0xC2}) == "shrx eax, edx, ecx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x70, 0xF7, 0xC2}) == "bextr eax, edx, ecx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x70, 0xF5, 0xC2}) == "bzhi eax, edx, ecx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x72, 0xF5, 0xC2}) == "pext eax, ecx, edx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x73, 0xF5, 0xC2}) == "pdep eax, ecx, edx");
  CHECK(Text(k64, {0xC4, 0xE2, 0x73, 0xF6, 0xC2}) == "mulx eax, ecx, edx");
  CHECK(Text(k64, {0xC4, 0x62, 0x30, 0xF2, 0x00}) == "andn r8d, r9d, dword ptr [rax]");
  // VEX.L = 1 and a non-1111b vvvv on an instruction without a vvvv operand are #UD.
  CHECK(Status(k64, {0xC4, 0xE2, 0x74, 0xF2, 0xC2}) == DecodeStatus::kUndefined);
  CHECK(Status(k64, {0xC4, 0xE3, 0x73, 0xF0, 0xC1, 0x05}) == DecodeStatus::kUndefined);
}

TEST_CASE("mandatory prefixes: 66/F2/F3 select SSE instructions; last of F2/F3 wins") {
  CHECK(Text(k32, {0x0F, 0x10, 0xC1}) == "movups xmm0, xmm1");
  CHECK(Text(k32, {0x66, 0x0F, 0x10, 0xC1}) == "movupd xmm0, xmm1");
  CHECK(Text(k32, {0xF3, 0x0F, 0x10, 0xC1}) == "movss xmm0, xmm1");
  CHECK(Text(k32, {0xF2, 0x0F, 0x10, 0xC1}) == "movsd xmm0, xmm1");
  CHECK(Text(k32, {0xF2, 0xF3, 0x0F, 0x10, 0xC1}) == "movss xmm0, xmm1");
  CHECK(Text(k32, {0xF3, 0xF2, 0x0F, 0x10, 0xC1}) == "movsd xmm0, xmm1");
  CHECK(Text(k32, {0x66, 0xF3, 0x0F, 0x10, 0xC1}) == "movss xmm0, xmm1");
  CHECK(Text(k32, {0xF3, 0x66, 0x0F, 0x10, 0xC1}) == "movss xmm0, xmm1");
  DecodedInst inst = Dec(k32, {0xF3, 0x0F, 0x58, 0xC1});
  CHECK(inst.mandatory_prefix == 0xF3);
  CHECK((inst.prefixes & kPrefixRep) != 0);
  // With F2/F3 mandatory, 66 still sets the operand size (POPCNT r16, CRC32 r32, r/m16).
  CHECK(Text(k32, {0x66, 0xF3, 0x0F, 0xB8, 0xC1}) == "popcnt ax, cx");
  CHECK(Text(k32, {0xF3, 0x0F, 0xB8, 0xC1}) == "popcnt eax, ecx");
  CHECK(Text(k32, {0x66, 0xF2, 0x0F, 0x38, 0xF1, 0xC1}) == "crc32 eax, cx");
  CHECK(Text(k64, {0xF2, 0x48, 0x0F, 0x38, 0xF0, 0xC1}) == "crc32 rax, cl");
  // With 66 mandatory it is not an operand-size prefix.
  inst = Dec(k32, {0x66, 0x0F, 0x38, 0xF6, 0xC1});
  CHECK(Format(inst) == "adcx eax, ecx");
  CHECK(inst.operand_size == 4);
  CHECK(Text(k32, {0xF3, 0x0F, 0x38, 0xF6, 0xC1}) == "adox eax, ecx");
  // No entry for the prefix (SDM "NP"): #UD.
  CHECK(Status(k32, {0xF3, 0x0F, 0x14, 0xC1}) == DecodeStatus::kUndefined);
  CHECK(Status(k32, {0x66, 0x0F, 0x77}) == DecodeStatus::kUndefined);
  CHECK(Status(k32, {0xF2, 0x0F, 0xFC, 0xC1}) == DecodeStatus::kUndefined);
  // MMX vs SSE2 forms.
  CHECK(Text(k32, {0x0F, 0xFC, 0xC1}) == "paddb mm0, mm1");
  CHECK(Text(k64, {0x66, 0x45, 0x0F, 0xFC, 0xC1}) == "paddb xmm8, xmm9");
  CHECK(Text(k64, {0x66, 0x48, 0x0F, 0x6E, 0xC0}) == "movq xmm0, rax");
  CHECK(Text(k64, {0x66, 0x0F, 0x6E, 0xC0}) == "movd xmm0, eax");
  // BSF vs TZCNT, NOP vs PAUSE.
  CHECK(Text(k32, {0x0F, 0xBC, 0xC1}) == "bsf eax, ecx");
  CHECK(Text(k32, {0xF3, 0x0F, 0xBC, 0xC1}) == "tzcnt eax, ecx");
  CHECK(Text(k32, {0xF3, 0x90}) == "pause");
  CHECK(Text(k64, {0x41, 0x90}) == "xchg eax, r8d");
  CHECK(Text(k64, {0x48, 0x90}) == "nop");
  // String instructions: F3/F2 are REP/REPE/REPNE.
  CHECK(Text(k32, {0xF3, 0xA4}) == "rep movsb");
  CHECK(Text(k32, {0xF3, 0xA6}) == "repe cmpsb");
  CHECK(Text(k32, {0xF2, 0xAE}) == "repne scasb");
  CHECK(Text(k64, {0xF3, 0x48, 0xAB}) == "rep stosq");
  CHECK(Dec(k32, {0xF3, 0xA4}).mandatory_prefix == 0);
}

TEST_CASE("operands: registers, sizes, segment defaults, special registers") {
  DecodedInst inst = Dec(k32, {0x88, 0xE0});
  CHECK(inst.operands[1].kind == OperandKind::kGpr);
  CHECK(inst.operands[1].reg == kRegAH);
  CHECK(Format(inst) == "mov al, ah");
  CHECK(Text(k64, {0x40, 0x88, 0xE0}) == "mov al, spl");
  CHECK(Text(k64, {0x44, 0x88, 0xE0}) == "mov al, r12b");
  CHECK(Text(k32, {0xB7, 0x12}) == "mov bh, 0x12");
  CHECK(Text(k64, {0x41, 0xB7, 0x12}) == "mov r15b, 0x12");
  inst = Dec(k32, {0x01, 0xC8});
  CHECK(inst.num_operands == 2);
  CHECK(inst.operand_size == 4);
  CHECK(inst.operands[0].size == 4);
  CHECK(Dec(k32, {0x00, 0xC8}).operand_size == 1);
  CHECK(Dec(k32, {0xA4}).operand_size == 1);
  CHECK(Dec(k32, {0xA4}).num_operands == 0);        // string operands are implicit
  CHECK(Dec(k32, {0xF7, 0xE1}).num_operands == 1);  // MUL: EDX:EAX implicit
  // Memory operand sizes (m80, m128, m16:32, m512, pseudo-descriptors, state areas).
  CHECK(Dec(k32, {0xDB, 0x28}).operands[0].size == 10);
  CHECK(Dec(k32, {0x0F, 0x10, 0x00}).operands[1].size == 16);
  CHECK(Dec(k32, {0xF3, 0x0F, 0x10, 0x00}).operands[1].size == 4);
  CHECK(Dec(k32, {0xF2, 0x0F, 0x10, 0x00}).operands[1].size == 8);
  CHECK(Dec(k32, {0xFF, 0x18}).operands[0].size == 6);
  CHECK(Dec(k32, {0x66, 0xFF, 0x18}).operands[0].size == 4);
  CHECK(Dec(k64, {0x48, 0xFF, 0x18}).operands[0].size == 10);
  CHECK(Dec(k32, {0x0F, 0xB2, 0x00}).operands[1].size == 6);  // LSS m16:32
  CHECK(Dec(k32, {0x0F, 0xAE, 0x00}).operands[0].size == 512);
  CHECK(Dec(k32, {0x0F, 0x01, 0x10}).operands[0].size == 6);
  CHECK(Dec(k64, {0x0F, 0x01, 0x10}).operands[0].size == 10);
  CHECK(Dec(k32, {0xDD, 0x30}).operands[0].size == 108);
  CHECK(Dec(k16, {0xDD, 0x30}).operands[0].size == 94);
  CHECK(Dec(k32, {0xD9, 0x20}).operands[0].size == 28);
  CHECK(Dec(k32, {0x66, 0xD9, 0x20}).operands[0].size == 14);
  CHECK(Dec(k32, {0x0F, 0xC7, 0x08}).operands[0].size == 8);
  CHECK(Dec(k64, {0x48, 0x0F, 0xC7, 0x08}).mnemonic == Mnemonic::kCMPXCHG16B);
  CHECK(Dec(k64, {0x48, 0x0F, 0xC7, 0x08}).operands[0].size == 16);
  CHECK(Dec(k32, {0x8D, 0x00}).operands[1].size == 0);        // LEA: no access
  CHECK(Dec(k32, {0x62, 0x00}).operands[1].size == 8);        // BOUND m32&32
  CHECK(Dec(k32, {0x0F, 0x60, 0x00}).operands[1].size == 4);  // PUNPCKLBW mm, m32
  // MOV Sreg: r/m16 in memory, operand-size register; CS and Sreg 6/7 are #UD.
  CHECK(Text(k32, {0x8C, 0x00}) == "mov word ptr [eax], es");
  CHECK(Text(k32, {0x8C, 0xC0}) == "mov eax, es");
  CHECK(Text(k32, {0x8E, 0xD0}) == "mov ss, eax");
  CHECK(Text(k64, {0x44, 0x8E, 0xD8}) == "mov ds, eax");  // REX.R ignored for Sreg
  CHECK(Status(k32, {0x8E, 0xC8}) == DecodeStatus::kUndefined);
  CHECK(Status(k32, {0x8C, 0xF0}) == DecodeStatus::kUndefined);
  // Control/debug registers: mod ignored, reserved registers #UD, CR8 via REX.R.
  inst = Dec(k32, {0x0F, 0x20, 0x05});
  CHECK(inst.length == 3);
  CHECK(Format(inst) == "mov ebp, cr0");
  CHECK(inst.operands[1].kind == OperandKind::kCr);
  CHECK(Text(k64, {0x44, 0x0F, 0x20, 0xC0}) == "mov rax, cr8");
  CHECK(Status(k32, {0x0F, 0x20, 0xC8}) == DecodeStatus::kUndefined);
  CHECK(Status(k32, {0x0F, 0x22, 0xE8}) == DecodeStatus::kUndefined);
  CHECK(Text(k32, {0x0F, 0x23, 0xF8}) == "mov dr7, eax");
  CHECK(Status(k64, {0x44, 0x0F, 0x21, 0xC0}) == DecodeStatus::kUndefined);
  // x87 and 3DNow! operands.
  CHECK(Text(k32, {0xD8, 0xC1}) == "fadd st(0), st(1)");
  CHECK(Text(k32, {0xDC, 0xC1}) == "fadd st(1), st(0)");
  CHECK(Text(k32, {0xD9, 0xC9}) == "fxch st(1)");
  CHECK(Text(k32, {0xDF, 0xE0}) == "fnstsw ax");
  CHECK(Text(k32, {0x0F, 0x0F, 0xC1, 0x9E}) == "pfadd mm0, mm1");
  inst = Dec(k32, {0x0F, 0x0F, 0x40, 0x10, 0xB4});
  CHECK(inst.length == 5);
  CHECK(inst.map == OpcodeMap::k3DNow);
  CHECK(Format(inst) == "pfmul mm0, qword ptr [eax + 0x10]");
  CHECK(Status(k32, {0x0F, 0x0F, 0xC1, 0x00}) == DecodeStatus::kUndefined);
  // IN/OUT use DX and the eAX width.
  CHECK(Text(k32, {0x66, 0xED}) == "in ax, dx");
  CHECK(Text(k64, {0x48, 0xE7, 0x10}) == "out 0x10, eax");
}

TEST_CASE("attributes from the table") {
  CHECK(Dec(k32, {0xEB, 0x00}).Has(kAttrBranch | kAttrEndsBlock));
  CHECK(!Dec(k32, {0xEB, 0x00}).Has(kAttrConditional));
  CHECK(Dec(k32, {0x74, 0x00}).Has(kAttrConditional));
  CHECK(Dec(k32, {0xE8, 0, 0, 0, 0}).Has(kAttrCall));
  CHECK(Dec(k32, {0xC3}).Has(kAttrReturn));
  CHECK(Dec(k32, {0xCB}).Has(kAttrFar));
  CHECK(Dec(k32, {0xCD, 0x80}).Has(kAttrInterrupt));
  CHECK(Dec(k32, {0xF4}).Has(kAttrPrivileged | kAttrEndsBlock));
  CHECK(Dec(k32, {0x0F, 0x22, 0xC0}).Has(kAttrSerializing));
  CHECK(Dec(k32, {0x0F, 0xA2}).Has(kAttrSerializing));
  CHECK(Dec(k32, {0xA4}).Has(kAttrRep));
  CHECK(Dec(k32, {0xA6}).Has(kAttrRepCond));
  CHECK(Dec(k32, {0xEC}).Has(kAttrIo));
  CHECK(Dec(k32, {0x0F, 0x0B}).Has(kAttrUndefinedOp));
  CHECK(Dec(k32, {0x50}).Has(kAttrDefault64 | kAttrStack));
  CHECK(Dec(k32, {0x01, 0x00}).Has(kAttrLockable));
  CHECK(!Dec(k32, {0x01, 0x00}).Has(kAttrBranch | kAttrEndsBlock));
  CHECK(Dec(k32, {0x9D}).Has(kAttrEndsBlock));
  CHECK(Dec(k32, {0xFB}).Has(kAttrEndsBlock));
  CHECK(Dec(k32, {0xD8, 0xC1}).isa == Isa::kX87);
  CHECK(Dec(k32, {0x66, 0x0F, 0x38, 0xDC, 0xC1}).isa == Isa::kAES);
}

TEST_CASE("Format: Intel syntax close to Capstone") {
  CHECK(Text(k32, {0x83, 0x44, 0x88, 0x10, 0x05}) == "add dword ptr [eax + ecx*4 + 0x10], 5");
  CHECK(Text(k32, {0xC6, 0x45, 0xF8, 0x09}) == "mov byte ptr [ebp - 8], 9");
  CHECK(Text(k64, {0x65, 0x48, 0x8B, 0x04, 0x25, 0x28, 0, 0, 0}) == "mov rax, qword ptr gs:[0x28]");
  CHECK(Text(k64, {0x0F, 0xC2, 0xC1, 0x01}) == "cmpltps xmm0, xmm1");
  CHECK(Text(k64, {0x66, 0x0F, 0x3A, 0x44, 0xC1, 0x11}) == "pclmulqdq xmm0, xmm1, 0x11");
  CHECK(Text(k32, {0x9A, 0x78, 0x56, 0x34, 0x12, 0xCD, 0xAB}) == "callf 0xabcd:0x12345678");
  CHECK(Text(k64, {0xF0, 0x48, 0x0F, 0xC1, 0x03}) == "lock xadd qword ptr [rbx], rax");
  CHECK(std::string(MnemonicName(Mnemonic::kMOVSD_SSE)) == "movsd");
  CHECK(std::string(MnemonicName(Mnemonic::kMOVSD)) == "movsd");
  CHECK(std::string(MnemonicName(Mnemonic::kInvalid)) == "(bad)");
}

TEST_CASE("decode speed on common 64-bit integer code") {
  // A typical compiler-generated mix: prologue/epilogue, loads/stores, ALU, branches, calls.
  const std::vector<std::vector<uint8_t>> mix = {{0x55},
                                                 {0x48, 0x89, 0xE5},
                                                 {0x48, 0x83, 0xEC, 0x20},
                                                 {0x89, 0x7D, 0xFC},
                                                 {0x8B, 0x45, 0xFC},
                                                 {0x83, 0xC0, 0x01},
                                                 {0x48, 0x8B, 0x04, 0x24},
                                                 {0x48, 0x8D, 0x44, 0x24, 0x08},
                                                 {0x85, 0xC0},
                                                 {0x74, 0x10},
                                                 {0xE8, 0, 0, 0, 0},
                                                 {0x48, 0x8B, 0x05, 0x10, 0, 0, 0},
                                                 {0x0F, 0xB6, 0x07},
                                                 {0x41, 0x5C},
                                                 {0xC3},
                                                 {0x48, 0x39, 0xD0},
                                                 {0x0F, 0x85, 0x10, 0, 0, 0},
                                                 {0x31, 0xC0},
                                                 {0x48, 0xC7, 0xC0, 1, 0, 0, 0},
                                                 {0x66, 0x0F, 0x6F, 0x07}};
  std::vector<uint8_t> code;
  for (int r = 0; r < 50; ++r) {
    for (const auto& inst : mix) code.insert(code.end(), inst.begin(), inst.end());
  }
  DecodedInst inst;
  uint64_t decoded = 0;
  uint64_t failed = 0;
  timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  for (int iter = 0; iter < 500; ++iter) {
    for (size_t pos = 0; pos < code.size();) {
      const size_t avail = std::min<size_t>(code.size() - pos, kMaxInstructionLength);
      if (Decode(std::span<const uint8_t>(code.data() + pos, avail), k64, inst) !=
          DecodeStatus::kOk) {
        ++failed;
        break;
      }
      pos += inst.length;
      ++decoded;
    }
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  const double ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / decoded;
  std::printf("x86 decode speed: %.1f ns/instruction (CPU time, %llu instructions)\n", ns,
              static_cast<unsigned long long>(decoded));
  CHECK(failed == 0);
  CHECK(decoded == 500u * 50u * mix.size());
  // Target is < 50 ns in an optimized build; the bound only catches gross regressions.
  CHECK(ns < 500.0);
}

}  // namespace
}  // namespace vireo::x86
