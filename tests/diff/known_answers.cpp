#include "tests/diff/known_answers.h"

#include <utility>

#include "tests/diff/generators.h"

// The tables below name only the fields a test needs (the project builds with
// -Wno-missing-field-initializers too; this keeps a plain -Wextra build quiet).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace vireo::diff {
namespace {

using Bytes = std::vector<uint8_t>;

struct RegValue {
  int reg;
  uint64_t value;
};

// One known answer: input, code, expected changes. Registers not listed in `expect` (or
// `dont_care`) must come back unchanged, as must the data page outside `mem_expect`.
struct KnownAnswer {
  std::string name;
  int mode;
  Bytes code;
  std::vector<RegValue> set;
  uint64_t flags_in = 0;
  std::vector<RegValue> expect;
  std::vector<int> dont_care;
  uint64_t flags_mask = 0;
  uint64_t flags_expect = 0;
  std::vector<std::pair<uint64_t, Bytes>> mem_in;
  std::vector<std::pair<uint64_t, Bytes>> mem_expect;
  std::string fault;
  CpuFeature feature = CpuFeature::kNone;
};

Bytes Cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// 32-bit operand-size prefix for the mode (66h in 16-bit code).
Bytes O32(int mode) { return mode == 16 ? Bytes{0x66} : Bytes{}; }

// Linear data-page address as a register value (16-bit code uses offsets).
uint64_t DataReg(int mode, uint64_t offset) { return mode == 16 ? offset : kDataAddress + offset; }

Bytes Le(uint64_t v, int n) {
  Bytes b;
  for (int i = 0; i < n; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
  return b;
}

// A load of the data-page offset `off` into eAX/AX: A1 moffs (16/32) or 8B 04 25 disp32 (64).
Bytes LoadAcc(int mode, uint64_t linear) {
  if (mode == 16) return Cat({0xA1}, Le(linear - kDataAddress, 2));
  if (mode == 32) return Cat({0xA1}, Le(linear, 4));
  return Cat({0x8B, 0x04, 0x25}, Le(linear, 4));
}

std::vector<KnownAnswer> Build(int m) {
  std::vector<KnownAnswer> v;
  const int w = m == 64 ? 8 : m == 32 ? 4 : 2;  // stack width
  const uint64_t sp = DataReg(m, kStackOffset);
  // SDM Vol. 2A ADD: 0x7F + 1 = 0x80 sets OF, SF, AF; PF = parity of 0x80 (odd) = 0.
  v.push_back({.name = "add al,1 overflow",
               .mode = m,
               .code = {0x04, 0x01},
               .set = {{kRax, 0x7F}},
               .expect = {{kRax, 0x80}},
               .flags_mask = kStatusFlags,
               .flags_expect = kOf | kSf | kAf});
  // SUB: x - x = 0: ZF, PF set; in 64-bit mode the 32-bit result zero-extends.
  v.push_back({.name = "sub eax,eax",
               .mode = m,
               .code = Cat(O32(m), {0x29, 0xC0}),
               .set = {{kRax, m == 64 ? 0xFFFFFFFF12345678ull : 0x12345678}},
               .flags_in = kCf | kSf | kOf,
               .expect = {{kRax, 0}},
               .flags_mask = kStatusFlags,
               .flags_expect = kZf | kPf});
  // ADC after STC: 0xFF + 0 + CF = 0x100: AL = 0, CF ZF AF PF set.
  v.push_back({.name = "stc; mov al,0xff; adc al,0",
               .mode = m,
               .code = {0xF9, 0xB0, 0xFF, 0x14, 0x00},
               .set = {{kRax, 0x1234}},
               .expect = {{kRax, 0x1200}},
               .flags_mask = kStatusFlags,
               .flags_expect = kCf | kZf | kAf | kPf});
  // MUL r/m32: EDX:EAX = 0xFFFFFFFF * 2 = 1:FFFFFFFE; CF = OF = 1 (upper half non-zero).
  v.push_back({.name = "mul ecx",
               .mode = m,
               .code = Cat(O32(m), {0xF7, 0xE1}),
               .set = {{kRax, 0xFFFFFFFF}, {kRcx, 2}},
               .expect = {{kRax, 0xFFFFFFFE}, {kRdx, 1}},
               .flags_mask = kCf | kOf,
               .flags_expect = kCf | kOf});
  // DIV r/m32: 100 / 7 = 14 remainder 2.
  v.push_back({.name = "div ecx",
               .mode = m,
               .code = Cat(O32(m), {0xF7, 0xF1}),
               .set = {{kRax, 100}, {kRcx, 7}, {kRdx, 0}},
               .expect = {{kRax, 14}, {kRdx, 2}}});
  // DIV by zero: #DE at the DIV with nothing changed.
  v.push_back({.name = "div by zero",
               .mode = m,
               .code = Cat(O32(m), {0xF7, 0xF1}),
               .set = {{kRax, 100}, {kRcx, 0}},
               .flags_mask = kStatusFlags,
               .fault = "#DE ip=+0x0"});
  // SHLD: the count is masked to 5 bits (36 -> 4); CF = last bit out = bit 28 of the
  // destination (1); result 0x23456789: SF = 0, ZF = 0, PF(0x89) = 0.
  v.push_back({.name = "shld eax,ebx,cl (count 36)",
               .mode = m,
               .code = Cat(O32(m), {0x0F, 0xA5, 0xD8}),
               .set = {{kRax, 0x12345678}, {kRbx, 0x9ABCDEF0}, {kRcx, 36}},
               .expect = {{kRax, 0x23456789}},
               .flags_mask = kCf | kZf | kSf | kPf,
               .flags_expect = kCf});
  // RCR AL,1 with CF = 1: OF = MSB(AL) XOR CF = 1 (before the rotate), AL = 0x81, CF = 0.
  v.push_back({.name = "stc; rcr al,1",
               .mode = m,
               .code = {0xF9, 0xD0, 0xD8},
               .set = {{kRax, 0x02}},
               .expect = {{kRax, 0x81}},
               .flags_mask = kCf | kOf,
               .flags_expect = kOf});
  // BSF: index of the lowest set bit; ZF = 0. With a zero source only ZF = 1 is defined.
  v.push_back({.name = "bsf eax,ebx",
               .mode = m,
               .code = Cat(O32(m), {0x0F, 0xBC, 0xC3}),
               .set = {{kRax, 0x55}, {kRbx, 0x80}},
               .flags_in = kZf,
               .expect = {{kRax, 7}},
               .flags_mask = kZf});
  v.push_back({.name = "bsf eax,ebx (zero)",
               .mode = m,
               .code = Cat(O32(m), {0x0F, 0xBC, 0xC3}),
               .set = {{kRax, 0x55}, {kRbx, 0}},
               .dont_care = {kRax},
               .flags_mask = kZf,
               .flags_expect = kZf});
  // POPCNT: 0xF0F0 has 8 bits; all status flags cleared (ZF = 0 as the source is non-zero).
  v.push_back({.name = "popcnt eax,ebx",
               .mode = m,
               .code = Cat(O32(m), {0xF3, 0x0F, 0xB8, 0xC3}),
               .set = {{kRbx, 0xF0F0}},
               .flags_in = kStatusFlags,
               .expect = {{kRax, 8}},
               .flags_mask = kStatusFlags,
               .feature = CpuFeature::kPopcnt});
  // STC; STD: the capture sees CF and DF.
  v.push_back({.name = "stc; std",
               .mode = m,
               .code = {0xF9, 0xFD},
               .flags_mask = kCf | kDf,
               .flags_expect = kCf | kDf});
  // LAHF: AH = SF:ZF:0:AF:0:PF:1:CF.
  v.push_back({.name = "lahf",
               .mode = m,
               .code = {0x9F},
               .set = {{kRax, 0}},
               .flags_in = kSf | kZf | kAf | kPf | kCf,
               .expect = {{kRax, 0xD700}},
               .feature = CpuFeature::kLahf64});
  // PUSH imm8 is sign-extended to the stack width.
  v.push_back({.name = "push -128",
               .mode = m,
               .code = {0x6A, 0x80},
               .expect = {{kRsp, sp - w}},
               .mem_expect = {{kStackOffset - w, Bytes(w, 0xFF)}}});
  v.back().mem_expect[0].second[0] = 0x80;
  // CALL pushes the address of the next instruction (linear in 32/64-bit, IP in 16-bit).
  {
    Bytes call = m == 16 ? Bytes{0xE8, 0, 0} : Bytes{0xE8, 0, 0, 0, 0};
    uint64_t next = (m == 16 ? 0 : kCodeAddress) + call.size();
    v.push_back({.name = "call next; pop eax",
                 .mode = m,
                 .code = Cat(call, {0x58}),
                 .set = {{kRax, 0}},
                 .expect = {{kRax, next}},
                 .mem_expect = {{kStackOffset - w, Le(next, w)}}});
  }
  // The data page is at offset 0 of the data segment in 16-bit code, linear kDataAddress else.
  v.push_back({.name = "load from the data page",
               .mode = m,
               .code = Cat(O32(m), LoadAcc(m, kDataAddress + 0x10)),
               .expect = {{kRax, 0x78563412}},
               .mem_in = {{0x10, {0x12, 0x34, 0x56, 0x78}}}});
  // #PF just past the data page, reported with the faulting linear address.
  v.push_back({.name = "#PF past the data page",
               .mode = m,
               .code = Cat({0xF9}, LoadAcc(m, kDataAddress + 0x1000)),
               .flags_mask = kCf,
               .flags_expect = kCf,
               .fault = "#PF addr=0x10001000 ip=+0x1"});
  // #UD after an instruction that ran: its result is kept.
  v.push_back({.name = "stc; ud2",
               .mode = m,
               .code = {0xF9, 0x0F, 0x0B},
               .flags_mask = kCf,
               .flags_expect = kCf,
               .fault = "#UD ip=+0x1"});
  // REP MOVSB copies RCX bytes forwards and advances rSI/rDI.
  v.push_back({.name = "rep movsb",
               .mode = m,
               .code = {0xF3, 0xA4},
               .set = {{kRsi, DataReg(m, 0x100)}, {kRdi, DataReg(m, 0x200)}, {kRcx, 3}},
               .expect = {{kRsi, DataReg(m, 0x103)}, {kRdi, DataReg(m, 0x203)}, {kRcx, 0}},
               .mem_in = {{0x100, {1, 2, 3}}},
               .mem_expect = {{0x200, {1, 2, 3}}}});
  // LOOP: "L: inc eax; loop L" runs ECX times.
  {
    Bytes inc = m == 64 ? Bytes{0xFF, 0xC0} : Cat(O32(m), {0x40});
    uint8_t back = static_cast<uint8_t>(-(static_cast<int>(inc.size()) + 2));
    v.push_back({.name = "inc eax; loop",
                 .mode = m,
                 .code = Cat(inc, {0xE2, back}),
                 .set = {{kRax, 0}, {kRcx, 5}},
                 .expect = {{kRax, 5}, {kRcx, 0}}});
  }
  if (m == 64) {
    // 32-bit writes zero-extend (SDM Vol. 1 3.4.1.1); CMOVcc does so even when false.
    v.push_back({.name = "mov eax,ebx zero-extends",
                 .mode = m,
                 .code = {0x89, 0xD8},
                 .set = {{kRax, ~0ull}, {kRbx, 0xAAAAAAAABBBBBBBBull}},
                 .expect = {{kRax, 0xBBBBBBBB}}});
    v.push_back({.name = "cmove eax,ebx (false) zero-extends",
                 .mode = m,
                 .code = {0x0F, 0x44, 0xC3},
                 .set = {{kRax, ~0ull}, {kRbx, 5}},
                 .expect = {{kRax, 0xFFFFFFFF}}});
    v.push_back({.name = "xchg eax,eax (87 c0) zero-extends",
                 .mode = m,
                 .code = {0x87, 0xC0},
                 .set = {{kRax, 0xFFFFFFFF00000001ull}},
                 .expect = {{kRax, 1}}});
    v.push_back({.name = "nop (90) keeps rax",
                 .mode = m,
                 .code = {0x90},
                 .set = {{kRax, 0xFFFFFFFF00000001ull}}});
  } else {
    // Only the low 32 bits exist; R8-R15 survive the mode switch (checked in every test).
    v.push_back({.name = "inc eax wraps at 32 bits",
                 .mode = m,
                 .code = Cat(O32(m), {0x40}),
                 .set = {{kRax, 0xFFFFFFFF}},
                 .expect = {{kRax, 0}},
                 .flags_mask = kZf,
                 .flags_expect = kZf});
  }
  if (m == 16) {
    // 16-bit stack (B = 0): PUSH moves SP only; the upper half of ESP is kept.
    v.push_back({.name = "push ax with ESP upper bits",
                 .mode = m,
                 .code = {0x50},
                 .set = {{kRsp, 0x12340F00}, {kRax, 0xBEEF}},
                 .expect = {{kRsp, 0x12340EFE}},
                 .mem_expect = {{0xEFE, {0xEF, 0xBE}}}});
  }
  return v;
}

DiffCase ToCase(const KnownAnswer& k) {
  DiffCase c;
  c.mode = k.mode;
  c.code = k.code;
  c.description = k.name;
  c.generator = "known-answer";
  for (int i = 0; i < 16; ++i) {
    // Distinct patterns show any register a test clobbers.
    c.in.gpr[i] = i < 8 ? 0x01010101u * static_cast<uint64_t>(0x10 + i)
                        : 0x0101010101010101ull * static_cast<uint64_t>(0x80 + i);
  }
  c.in.gpr[kRsp] = DataReg(k.mode, kStackOffset);
  for (const RegValue& r : k.set) c.in.gpr[r.reg] = r.value;
  c.in.rflags = k.flags_in | kFixedFlags;
  for (const auto& [off, bytes] : k.mem_in) {
    for (size_t i = 0; i < bytes.size(); ++i) c.in.data[off + i] = bytes[i];
  }
  c.undefined_flags_mask = kStatusFlags & ~k.flags_mask;
  return c;
}

// "" when the outcome matches the known answer, else what differs.
std::string Check(const KnownAnswer& k, const DiffCase& c, const DiffOutcome& o) {
  std::string out;
  if (o.fault != k.fault) {
    out += "  fault: expected [" + (k.fault.empty() ? "none" : k.fault) + "] got [" +
           (o.fault.empty() ? "none" : o.fault) + "]\n";
  }
  DiffState expected = c.in;
  for (const RegValue& r : k.expect) expected.gpr[r.reg] = r.value;
  for (int r : k.dont_care) expected.gpr[r] = o.state.gpr[r];
  expected.rflags = (c.in.rflags & ~k.flags_mask) | k.flags_expect;
  for (const auto& [off, bytes] : k.mem_expect) {
    for (size_t i = 0; i < bytes.size(); ++i) expected.data[off + i] = bytes[i];
  }
  DiffCase checked = c;
  checked.undefined_flags_mask = ~k.flags_mask & kStatusFlags;
  out += DiffStates(checked, expected, o.state);
  return out;
}

}  // namespace

int RunKnownAnswers(Executor& ex, unsigned mode_mask, bool verbose, int* count, FILE* out) {
  std::vector<KnownAnswer> answers;
  for (int m : {16, 32, 64}) {
    unsigned bit = m == 16 ? 1 : m == 32 ? 2 : 4;
    if ((mode_mask & bit) == 0) continue;
    for (KnownAnswer& k : Build(m)) {
      if (HostHas(k.feature)) answers.push_back(std::move(k));
    }
  }
  std::vector<DiffCase> cases;
  for (const KnownAnswer& k : answers) cases.push_back(ToCase(k));
  std::vector<DiffOutcome> outcomes;
  ex.RunBatch(cases, &outcomes);
  int failures = 0;
  for (size_t i = 0; i < answers.size(); ++i) {
    std::string diff = Check(answers[i], cases[i], outcomes[i]);
    if (!diff.empty()) ++failures;
    if (diff.empty() && !verbose) continue;
    std::fprintf(out, "known answer %s: %d-bit %s [%s]\n%s", diff.empty() ? "ok" : "FAILED",
                 answers[i].mode, answers[i].name.c_str(), HexBytes(answers[i].code).c_str(),
                 diff.c_str());
  }
  *count = static_cast<int>(answers.size());
  return failures;
}

}  // namespace vireo::diff
