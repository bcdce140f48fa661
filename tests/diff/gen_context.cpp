#include "tests/diff/gen_context.h"

namespace vireo::diff {

uint64_t Mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) {
    seed = Mix64(seed);
    s = seed;
  }
}

uint64_t Rng::Next() {
  auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  uint64_t result = rotl(s_[1] * 5, 7) * 9;
  uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

uint64_t Rng::Below(uint64_t n) { return static_cast<uint64_t>((__uint128_t{Next()} * n) >> 64); }

bool Rng::Chance(int percent) { return Below(100) < static_cast<uint64_t>(percent); }

uint64_t EdgeValue(Rng& rng, int bits) {
  uint64_t m = Mask(bits);
  uint64_t sign = 1ull << (bits - 1);
  switch (rng.Below(18)) {
    case 0:
      return 0;
    case 1:
      return 1;
    case 2:
      return m;  // -1
    case 3:
      return sign;  // most negative
    case 4:
      return sign - 1;  // most positive
    case 5:
      return sign + 1;
    case 6:
      return m - 1;
    case 7:
      return 2;
    case 8:
      return (1ull << rng.Below(bits)) & m;
    case 9:
      return ((1ull << rng.Below(bits)) - 1) & m;
    case 10:
      return 0x5555555555555555ull & m;
    case 11:
      return 0xAAAAAAAAAAAAAAAAull & m;
    case 12:
      return rng.Below(17);
    case 13:
      return (0 - rng.Below(17)) & m;
    case 14:
      return (sign - 1 - rng.Below(4)) & m;
    default:
      return rng.Next() & m;
  }
}

uint64_t EdgeCount(Rng& rng, int bits) {
  const uint64_t b = static_cast<uint64_t>(bits);
  const uint64_t kCounts[] = {0,  1,  2,  b - 1, b,  b + 1, 7,  8,   9,   15, 16,
                              17, 31, 32, 33,    63, 64,    65, 127, 128, 255};
  if (rng.Chance(15)) return rng.Below(256);
  return rng.Pick(kCounts);
}

Gen::Gen(uint64_t seed, int mode, bool sequence, DiffCase* c)
    : rng_(seed), mode_(mode), sequence_(sequence), case_(c) {
  c->mode = mode;
  c->code.clear();
  c->description.clear();
  c->undefined_flags_mask = 0;
  DiffState& s = c->in;
  for (size_t i = 0; i < kDataSize; i += 8) {
    uint64_t v = rng_.Next();
    for (int j = 0; j < 8; ++j) s.data[i + j] = static_cast<uint8_t>(v >> (8 * j));
  }
  int reg_bits = mode == 64 ? 64 : 32;
  for (int i = 0; i < 16; ++i) {
    int bits = i < 8 ? reg_bits : 64;  // R8-R15 exist (unchanged) in every mode
    s.gpr[i] = rng_.Chance(50) ? EdgeValue(rng_, bits) : (rng_.Next() & Mask(bits));
  }
  if (mode == 16) {
    // 16-bit stack (B=0): only SP moves; random upper ESP bits must survive.
    s.gpr[kRsp] = kStackOffset | (rng_.Chance(25) ? (rng_.Next() & 0xFFFF0000u) : 0);
  } else {
    s.gpr[kRsp] = kDataAddress + kStackOffset;
  }
  s.rflags = (rng_.Next() & kInputFlags) | kFixedFlags;
  // XMM registers and MXCSR come from their own stream so the other inputs of a seed stay as
  // they were before the oracle compared vector state.
  Rng xr(Mix64(seed ^ 0x5353455853534558ull));
  for (auto& x : s.xmm) {
    for (uint64_t& half : x) {
      switch (xr.Below(4)) {
        case 0:
          half = EdgeValue(xr, 64);
          break;
        case 1: {  // per-byte/word edges: 00, 7F, 80, FF lanes exercise saturation and compares
          static constexpr uint8_t kBytes[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x81};
          half = 0;
          for (int b = 0; b < 8; ++b) half |= uint64_t{xr.Pick(kBytes)} << (8 * b);
          break;
        }
        default:
          half = xr.Next();
          break;
      }
    }
  }
  // Any exception flags (bits 5:0) and rounding control; masks stay set so no #XM can occur.
  s.mxcsr = kDefaultMxcsr | static_cast<uint32_t>(xr.Next() & 0x603F);
  // x87/MMX: random significands; either MMX state (all tags valid, TOP 0, exponents all
  // ones as an MMX write leaves them) or an empty stack (FXRSTOR still loads the register
  // contents), TOP 0 or random. x87 generators wanting other stacks set these fields.
  bool mmx_state = xr.Chance(35);
  s.fpu_tags = mmx_state ? 0xFF : 0;
  s.fpu_top = mmx_state || xr.Chance(50) ? 0 : static_cast<uint8_t>(xr.Below(8));
  for (int r = 0; r < 8; ++r) {
    s.mm[r] = xr.Chance(50) ? EdgeValue(xr, 64) : xr.Next();
    s.st_exp[r] = mmx_state ? 0xFFFF : static_cast<uint16_t>(xr.Next());
  }
  reserved_ = 1u << kRsp;
  if (sequence) {
    static constexpr int kBases16[] = {kRbx, kRsi, kRdi};
    seq_base_ = mode == 16 ? rng_.Pick(kBases16) : PickReg();
    s.gpr[seq_base_] = mode == 16 ? 0 : kDataAddress;
    Reserve(seq_base_);
  }
}

int Gen::OpBits(bool allow8) {
  if (mode_ == 64) {
    static constexpr int kSizes[] = {8, 16, 32, 32, 64, 64};
    int bits = rng_.Pick(kSizes);
    if (bits == 8 && !allow8) bits = 32;
    return bits;
  }
  static constexpr int kSizes[] = {8, 16, 16, 32, 32};
  int bits = rng_.Pick(kSizes);
  if (bits == 8 && !allow8) bits = mode_ == 16 ? 16 : 32;
  return bits;
}

int Gen::PickReg(bool allow_rsp) {
  int count = mode_ == 64 ? 16 : 8;
  int candidates[16];
  int n = 0;
  for (int r = 0; r < count; ++r) {
    if (Reserved(r) && !(allow_rsp && r == kRsp)) continue;
    candidates[n++] = r;
  }
  return n == 0 ? kRax : candidates[rng_.Below(static_cast<uint64_t>(n))];
}

int Gen::PickByteReg(bool high_ok, bool rex_ok) {
  int candidates[20];
  int n = 0;
  for (int r = 0; r < 4; ++r) {
    if (!Reserved(r)) candidates[n++] = r;
    if (high_ok && !Reserved(r)) candidates[n++] = kAh + r;
  }
  if (mode_ == 64 && rex_ok) {
    for (int r = 4; r < 16; ++r) {
      if (!Reserved(r)) candidates[n++] = r;
    }
  }
  return n == 0 ? kRax : candidates[rng_.Below(static_cast<uint64_t>(n))];
}

void Gen::Reserve(int reg) { reserved_ |= 1u << (reg >= kAh ? reg - kAh : reg); }

bool Gen::Claim(int reg) {
  if (Reserved(reg)) return false;
  Reserve(reg);
  return true;
}

void Gen::SetReg(int reg, uint64_t value) {
  if (sequence_) return;
  if (mode_ != 64 && reg < 8) value &= 0xFFFFFFFFu;
  case_->in.gpr[reg] = value;
}

void Gen::SetPart(int reg_id, int bits, uint64_t value) {
  if (sequence_) return;
  if (bits == 8 && reg_id >= kAh) {
    uint64_t& r = case_->in.gpr[reg_id - kAh];
    r = (r & ~0xFF00ull) | ((value & 0xFF) << 8);
    return;
  }
  uint64_t& r = case_->in.gpr[reg_id];
  r = (r & ~Mask(bits)) | (value & Mask(bits));
  if (mode_ != 64 && reg_id < 8) r &= 0xFFFFFFFFu;
}

std::optional<uint64_t> Gen::Known(int reg) const {
  if (sequence_) return std::nullopt;
  return case_->in.gpr[reg];
}

std::optional<uint64_t> Gen::KnownPart(int reg_id, int bits) const {
  if (sequence_) return std::nullopt;
  if (bits == 8 && reg_id >= kAh) return (case_->in.gpr[reg_id - kAh] >> 8) & 0xFF;
  return case_->in.gpr[reg_id] & Mask(bits);
}

uint64_t Gen::PickOffset(int size, int align) {
  uint64_t limit = kStackAreaOffset - static_cast<uint64_t>(size);
  uint64_t off = rng_.Below(limit + 1);
  off &= ~static_cast<uint64_t>(align - 1);
  return off;
}

uint64_t Gen::LinearOf(uint64_t offset) const {
  // 16-bit cases address the data page through a segment based at kDataAddress.
  return mode_ == 16 ? offset : kDataAddress + offset;
}

uint64_t Gen::StackPointer() const { return case_->in.gpr[kRsp]; }

int Gen::PickAddrBits() {
  if (mode_ == 64) return rng_.Chance(70) ? 64 : 32;
  // 32-bit mode: 16-bit addresses would be offsets into a flat segment below 64 KiB, where nothing
  // is mapped, so 32-bit code always uses 32-bit addressing.
  if (mode_ == 32) return 32;
  return rng_.Chance(70) ? 16 : 32;
}

uint64_t Gen::AddressValue(uint64_t offset, int addr_bits) {
  uint64_t ea = LinearOf(offset);
  if (addr_bits == 64) return ea;
  if (addr_bits == 32) return mode_ == 64 ? ((rng_.Next() << 32) | ea) : ea;
  return (rng_.Next() & 0xFFFF0000u) | (ea & 0xFFFF);
}

uint8_t Gen::RandomSegment() {
  if (!rng_.Chance(15)) return 0;
  // ES, SS and DS share one base in every mode here; 64-bit mode ignores CS/DS/ES/SS overrides.
  static constexpr uint8_t k64[] = {0x26, 0x2E, 0x36, 0x3E};
  static constexpr uint8_t kLegacy[] = {0x26, 0x36, 0x3E};
  return mode_ == 64 ? rng_.Pick(k64) : rng_.Pick(kLegacy);
}

MemOperand Gen::MemAt(uint64_t offset, int addr_bits) {
  if (addr_bits == 0) addr_bits = PickAddrBits();
  MemOperand m;
  if (sequence_) {
    m.addr_bits = addr_bits;
    if (addr_bits == 16 && seq_base_ != kRbx && seq_base_ != kRsi && seq_base_ != kRdi) {
      m.addr_bits = 32;
    }
    if (mode_ == 64 && rng_.Chance(20)) {
      m.rip_relative = true;
      m.rip_target = LinearOf(offset);
    } else {
      m.base = seq_base_;
      m.disp = static_cast<int64_t>(offset);
    }
    m.segment = RandomSegment();
    return m;
  }
  m = addr_bits == 16 ? MemAt16(offset) : MemAtWide(offset, addr_bits);
  m.segment = RandomSegment();
  return m;
}

MemOperand Gen::MemAt16(uint64_t offset) {
  // SDM Vol. 2A Table 2-1 forms: {base, index}.
  static constexpr int kForms[][2] = {{kRbx, kRsi}, {kRbx, kRdi}, {kRbp, kRsi},
                                      {kRbp, kRdi}, {-1, kRsi},   {-1, kRdi},
                                      {kRbp, -1},   {kRbx, -1},   {-1, -1}};
  MemOperand m;
  m.addr_bits = 16;
  for (int tries = 0; tries < 16; ++tries) {
    const int* f = kForms[rng_.Below(9)];
    if ((f[0] >= 0 && Reserved(f[0])) || (f[1] >= 0 && Reserved(f[1]))) continue;
    m.base = f[0];
    m.index = f[1];
    break;
  }
  uint64_t ea = offset & 0xFFFF;
  if (m.base < 0 && m.index < 0) {
    m.disp = static_cast<int64_t>(ea);
    return m;
  }
  int size = static_cast<int>(rng_.Below(3));  // 0, 1 or 2 displacement bytes
  if (size == 0 && m.base == kRbp && m.index < 0) size = 1;
  m.disp_bytes = size;
  int64_t disp = size == 0   ? 0
                 : size == 1 ? SignExtend(rng_.Next(), 8)
                             : SignExtend(rng_.Next(), 16);
  m.disp = disp;
  uint64_t index_value = m.index >= 0 ? rng_.Next() & 0xFFFF : 0;
  uint64_t base_value = (ea - index_value - static_cast<uint64_t>(disp)) & 0xFFFF;
  if (m.base < 0) {
    // Only an index: it carries the whole address.
    index_value = (ea - static_cast<uint64_t>(disp)) & 0xFFFF;
  }
  if (m.index >= 0) {
    SetReg(m.index, (rng_.Next() & 0xFFFF0000u) | index_value);
    Reserve(m.index);
  }
  if (m.base >= 0) {
    SetReg(m.base, (rng_.Next() & 0xFFFF0000u) | base_value);
    Reserve(m.base);
  }
  return m;
}

MemOperand Gen::MemAtWide(uint64_t offset, int addr_bits) {
  MemOperand m;
  m.addr_bits = addr_bits;
  const uint64_t wmask = Mask(addr_bits);
  const uint64_t ea = LinearOf(offset);
  // Upper bits the address size ignores (32-bit addressing in 64-bit mode) are random.
  auto with_garbage = [&](uint64_t v) {
    v &= wmask;
    if (mode_ == 64 && addr_bits == 32) v |= rng_.Next() << 32;
    return v;
  };
  auto random_disp = [&]() -> int64_t {
    switch (rng_.Below(3)) {
      case 0:
        m.disp_bytes = 0;
        return 0;
      case 1:
        m.disp_bytes = 1;
        return SignExtend(rng_.Next(), 8);
      default:
        m.disp_bytes = 4;
        return SignExtend(rng_.Next(), rng_.Chance(50) ? 32 : 12);
    }
  };
  static constexpr int kScales[] = {1, 2, 4, 8};
  switch (rng_.Below(8)) {
    case 0: {  // [disp32]
      m.disp = static_cast<int64_t>(ea);
      m.sib_absolute = mode_ != 64 && rng_.Chance(30);
      return m;
    }
    case 1: {  // [rip+disp32] (64-bit mode), else [rsp+disp]
      if (mode_ == 64) {
        m.rip_relative = true;
        m.rip_target = ea;
        return m;
      }
      [[fallthrough]];
    }
    case 2: {  // [rsp+disp]: RSP keeps the stack value
      m.base = kRsp;
      m.disp = SignExtend((ea - StackPointer()) & wmask, addr_bits == 64 ? 32 : addr_bits);
      m.disp_bytes = -1;
      if (addr_bits == 64 && (m.disp < INT32_MIN || m.disp > INT32_MAX)) m.disp = 0;
      return m;
    }
    case 3: {  // [index*scale+disp32]
      m.index = PickReg();
      m.scale = rng_.Pick(kScales);
      m.disp = SignExtend(rng_.Next(), 16);
      uint64_t need = ea - static_cast<uint64_t>(m.disp);
      // index*scale must equal `need` modulo the address width: fix the low bits via disp.
      uint64_t v = need / static_cast<uint64_t>(m.scale);
      m.disp += static_cast<int64_t>(need - v * static_cast<uint64_t>(m.scale));
      SetReg(m.index, with_garbage(v));
      Reserve(m.index);
      return m;
    }
    case 4: {  // [base+base*scale+disp]: one register in both roles
      int r = PickReg();
      m.base = r;
      m.index = r;
      m.scale = rng_.Pick(kScales);
      uint64_t v = (ea - rng_.Below(64)) / static_cast<uint64_t>(1 + m.scale);
      m.disp = static_cast<int64_t>(ea - v * static_cast<uint64_t>(1 + m.scale));
      m.disp_bytes = -1;
      SetReg(r, with_garbage(v));
      Reserve(r);
      return m;
    }
    case 5:
    case 6: {  // [base+index*scale+disp]
      m.base = PickReg();
      Reserve(m.base);
      m.index = PickReg();
      m.scale = rng_.Pick(kScales);
      m.disp = random_disp();
      uint64_t index_value = rng_.Chance(50) ? (0 - rng_.Below(64)) : EdgeValue(rng_, 64);
      uint64_t base_value =
          ea - index_value * static_cast<uint64_t>(m.scale) - static_cast<uint64_t>(m.disp);
      SetReg(m.index, with_garbage(index_value));
      SetReg(m.base, with_garbage(base_value));
      Reserve(m.index);
      return m;
    }
    default: {  // [base+disp]
      m.base = PickReg();
      m.disp = random_disp();
      SetReg(m.base, with_garbage(ea - static_cast<uint64_t>(m.disp)));
      Reserve(m.base);
      return m;
    }
  }
}

RmOperand Gen::PickRm(int bits, int mem_percent) {
  RmOperand rm;
  if (rng_.Chance(mem_percent)) {
    rm.is_mem = true;
    rm.mem = PickMem(bits / 8);
  } else {
    rm.reg = PickSized(bits);
  }
  return rm;
}

RmOperand Gen::PickRmEdge(int bits, int mem_percent) {
  RmOperand rm;
  if (rng_.Chance(mem_percent)) {
    uint64_t off = PickOffset(bits / 8);
    WriteData(off, EdgeValue(rng_, bits), bits / 8);
    rm.is_mem = true;
    rm.mem = MemAt(off);
  } else {
    rm.reg = PickSized(bits);
    SetEdge(rm.reg, bits);
  }
  return rm;
}

void Gen::WriteData(uint64_t offset, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    case_->in.data[(offset + static_cast<uint64_t>(i)) % kDataSize] =
        static_cast<uint8_t>(value >> (8 * i));
  }
}

uint64_t Gen::ReadData(uint64_t offset, int bytes) const {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v |= uint64_t{case_->in.data[(offset + static_cast<uint64_t>(i)) % kDataSize]} << (8 * i);
  }
  return v;
}

bool Gen::Emit(const Insn& insn) { return Encode(mode_, insn, kCodeAddress, &case_->code); }

bool Gen::EmitVex(const VexInsn& insn) {
  return EncodeVex(mode_, insn, kCodeAddress, &case_->code);
}

void Gen::EmitBytes(std::initializer_list<uint8_t> bytes) {
  case_->code.insert(case_->code.end(), bytes.begin(), bytes.end());
}

void Gen::Text(std::string_view text) {
  if (!case_->description.empty()) case_->description += "; ";
  case_->description += text;
}

void Gen::Flags(const FlagRule& rule) {
  if (rule.read & undefined_) violation_ = true;
  undefined_ = (undefined_ & ~rule.defined) | rule.undefined;
}

void Gen::FlagsMaybe(const FlagRule& rule) {
  if (rule.read & undefined_) violation_ = true;
  undefined_ |= rule.undefined;
}

Gen::Mark Gen::Save() const {
  return {case_->code.size(), case_->description.size(), undefined_, reserved_, violation_};
}

void Gen::Restore(const Mark& m) {
  case_->code.resize(m.code);
  case_->description.resize(m.text);
  undefined_ = m.undefined;
  reserved_ = m.reserved;
  violation_ = m.violation;
}

void Gen::Finish() { case_->undefined_flags_mask = undefined_; }

}  // namespace vireo::diff
