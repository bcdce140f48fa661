// x86 instruction decoder. Decode() walks the encoding left to right as SDM Vol. 2A 2.1
// (Figure 2-1) lays it out: legacy prefixes, REX or VEX, opcode (with 0F / 0F 38 / 0F 3A
// escapes), ModRM, SIB, displacement, immediates; the opcode tables (decode_tables.h) say
// which fields an instruction has.

#include "cpu/x86/decoder.h"

#include <array>
#include <bit>
#include <cstring>

#include "cpu/x86/decode_tables.h"

namespace vireo::x86 {
namespace {

using detail::DecodeDef;
using detail::kTables;
using detail::Node;
using detail::NodePayload;
using detail::NodeSplit;
using detail::Split;
using table::Method;
using table::OperandSpec;
using table::Sz;

// Legacy prefix groups (SDM Vol. 2A 2.1.1) and REX (2.2.1).
enum PrefixKind : uint8_t { kNoPrefix, kLock, kRepne, kRep, kSegment, kOpSize, kAddrSize, kRex };

constexpr std::array<uint8_t, 256> MakePrefixKinds() {
  std::array<uint8_t, 256> k{};
  k[0xF0] = kLock;
  k[0xF2] = kRepne;
  k[0xF3] = kRep;
  for (uint8_t b : {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65}) k[b] = kSegment;
  k[0x66] = kOpSize;
  k[0x67] = kAddrSize;
  for (int b = 0x40; b <= 0x4F; ++b) k[b] = kRex;
  return k;
}
constexpr std::array<uint8_t, 256> kPrefixKinds = MakePrefixKinds();

constexpr Seg SegmentOfPrefix(uint8_t b) {
  switch (b) {
    case 0x26:
      return Seg::kES;
    case 0x2E:
      return Seg::kCS;
    case 0x36:
      return Seg::kSS;
    case 0x3E:
      return Seg::kDS;
    case 0x64:
      return Seg::kFS;
    default:
      return Seg::kGS;
  }
}

// 16-bit addressing forms (SDM Vol. 2A Table 2-1): base and index per ModRM.rm.
constexpr uint8_t kBase16[8] = {3, 3, 5, 5, 6, 7, 5, 3};  // BX BX BP BP SI DI BP BX
constexpr uint8_t kIndex16[8] = {6, 7, 6, 7, kRegNone, kRegNone, kRegNone, kRegNone};  // SI DI

constexpr uint8_t kRegBp = 5;
constexpr uint8_t kRegSp = 4;

// Little-endian field of 1, 2, 4 or 8 bytes (the caller checked they are available).
static_assert(std::endian::native == std::endian::little, "ReadLe copies host-order integers");
uint64_t ReadLe(const uint8_t* p, int n) {
  switch (n) {
    case 1:
      return p[0];
    case 2: {
      uint16_t v;
      std::memcpy(&v, p, 2);
      return v;
    }
    case 4: {
      uint32_t v;
      std::memcpy(&v, p, 4);
      return v;
    }
    default: {
      uint64_t v;
      std::memcpy(&v, p, 8);
      return v;
    }
  }
}

constexpr uint64_t SizeMask(int bytes) { return bytes >= 8 ? ~0ull : (1ull << (bytes * 8)) - 1; }

// Register width for a GPR size code at operand size `osz` (SDM Vol. 2 A.2.2).
constexpr uint8_t GprSize(Sz s, int osz) {
  switch (s) {
    case Sz::kB:
      return 1;
    case Sz::kW:
      return 2;
    case Sz::kD:
      return 4;
    case Sz::kQ:
      return 8;
    case Sz::kZ:
      return osz == 2 ? 2 : 4;
    case Sz::kY:
      return osz == 8 ? 8 : 4;
    default:
      return static_cast<uint8_t>(osz);
  }
}

// Bytes a memory operand of size code `s` accesses.
constexpr uint16_t MemSize(Sz s, int osz, bool m64) {
  switch (s) {
    case Sz::kNone:
      return 0;
    case Sz::kDq:
      return 16;
    case Sz::kT:
      return 10;
    case Sz::kP:
      return static_cast<uint16_t>(osz + 2);  // m16:16 / m16:32 / m16:64
    case Sz::kA:
      return static_cast<uint16_t>(osz * 2);  // BOUND m16&16 / m32&32
    case Sz::kS:
      return m64 ? 10 : 6;  // LGDT/SGDT pseudo-descriptor
    case Sz::kEnv:
      return osz == 2 ? 14 : 28;  // FLDENV/FNSTENV
    case Sz::kFsave:
      return osz == 2 ? 94 : 108;  // FRSTOR/FNSAVE
    case Sz::kFx512:
      return 512;  // FXSAVE/FXRSTOR
    default:
      return GprSize(s, osz);
  }
}

// The decoder's working state for one instruction.
struct State {
  const uint8_t* p;
  size_t size;
  int pos = 0;
  bool m64;
  // REX (or VEX-equivalent) bits, already shifted to bit 3 where they extend a register field.
  uint8_t r = 0, x = 0, b = 0, w = 0;
  bool any_rex = false;  // a REX prefix is present: SPL/BPL/SIL/DIL instead of AH..BH
  uint8_t modrm = 0;
  bool have_modrm = false;

  DecodeStatus Need(int n) const {
    if (pos + n > kMaxInstructionLength) return DecodeStatus::kTooLong;
    if (static_cast<size_t>(pos + n) > size) return DecodeStatus::kTruncated;
    return DecodeStatus::kOk;
  }
  uint8_t Mod() const { return modrm >> 6; }
  uint8_t Reg() const { return (modrm >> 3) & 7; }
  uint8_t Rm() const { return modrm & 7; }
  // Byte registers 4-7 are AH..BH unless a REX prefix is present (SDM Vol. 2A 3.7.2.1).
  uint8_t ByteReg(uint8_t reg, uint8_t size) const {
    return (size == 1 && !any_rex && reg >= 4 && reg < 8) ? static_cast<uint8_t>(kRegAH + reg - 4)
                                                          : reg;
  }
};

// Decodes the memory form of ModRM (+SIB, displacement) into `mem` (SDM Vol. 2A 2.1.5,
// Tables 2-1..2-3; RIP-relative addressing 2.2.1.6).
DecodeStatus DecodeMemory(State& s, int asz, Seg override_seg, MemOperand& mem, uint8_t& sib,
                          bool& has_sib) {
  const uint8_t mod = s.Mod();
  const uint8_t rm = s.Rm();
  mem.scale = 1;
  mem.index = kRegNone;
  mem.address_size = static_cast<uint8_t>(asz);
  int disp_size = 0;
  bool stack_base = false;
  if (asz == 2) {
    if (mod == 0 && rm == 6) {
      mem.base = kRegNone;
      disp_size = 2;
    } else {
      mem.base = kBase16[rm];
      mem.index = kIndex16[rm];
      stack_base = mem.base == kRegBp;
      disp_size = mod == 1 ? 1 : mod == 2 ? 2 : 0;
    }
  } else {
    uint8_t base = rm;
    if (rm == 4) {
      if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
      sib = s.p[s.pos++];
      has_sib = true;
      mem.scale = static_cast<uint8_t>(1 << (sib >> 6));
      const uint8_t index = static_cast<uint8_t>(((sib >> 3) & 7) | s.x);
      mem.index = index == kRegSp ? kRegNone : index;  // index 100b without REX.X: none
      base = sib & 7;
    }
    if (base == 5 && mod == 0) {
      // No base: disp32, or RIP/EIP-relative for ModRM rm = 101b in 64-bit mode.
      mem.base = (rm == 5 && s.m64) ? kRegRip : kRegNone;
      disp_size = 4;
    } else {
      mem.base = static_cast<uint8_t>(base | s.b);
      stack_base = mem.base == kRegSp || mem.base == kRegBp;
      disp_size = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    }
  }
  if (disp_size != 0) {
    if (DecodeStatus st = s.Need(disp_size); st != DecodeStatus::kOk) return st;
    const uint64_t raw = ReadLe(s.p + s.pos, disp_size);
    s.pos += disp_size;
    mem.disp = disp_size == 1   ? static_cast<int8_t>(raw)
               : disp_size == 2 ? static_cast<int16_t>(raw)
                                : static_cast<int32_t>(raw);
  }
  // Default segment SS for rBP/rSP-based addressing, DS otherwise (SDM Vol. 1 3.7.5,
  // Table 3-5); an override prefix replaces it.
  mem.segment = override_seg != Seg::kNone ? override_seg : stack_base ? Seg::kSS : Seg::kDS;
  return DecodeStatus::kOk;
}

}  // namespace

DecodeStatus Decode(std::span<const uint8_t> bytes, CodeSize mode, DecodedInst& out) {
  out = DecodedInst{};
  out.mem.base = kRegNone;  // mem is only meaningful with a kMem operand; keep it inert
  out.mem.index = kRegNone;
  out.segment_override = Seg::kNone;
  State s;
  s.p = bytes.data();
  s.size = bytes.size();
  s.m64 = mode == CodeSize::k64;

  // Legacy prefixes in any order and number; REX only counts when it is the last prefix
  // before the opcode (SDM Vol. 2A 2.2.1). Of F2/F3 the last one is the effective one.
  uint8_t prefixes = 0;
  uint8_t rex = 0;
  uint8_t last_rep = 0;
  Seg seg = Seg::kNone;
  Seg seg_fs_gs = Seg::kNone;
  for (;;) {
    if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
    const uint8_t byte = s.p[s.pos];
    const uint8_t kind = kPrefixKinds[byte];
    if (kind == kNoPrefix || (kind == kRex && !s.m64)) break;
    ++s.pos;
    if (kind == kRex) {
      rex = byte;
      continue;
    }
    rex = 0;
    switch (kind) {
      case kLock:
        prefixes |= kPrefixLock;
        break;
      case kRep:
        last_rep = 0xF3;
        break;
      case kRepne:
        last_rep = 0xF2;
        break;
      case kOpSize:
        prefixes |= kPrefixOpSize;
        break;
      case kAddrSize:
        prefixes |= kPrefixAddrSize;
        break;
      default:
        seg = SegmentOfPrefix(byte);
        if (seg == Seg::kFS || seg == Seg::kGS) seg_fs_gs = seg;
        break;
    }
  }
  if (last_rep == 0xF3) prefixes |= kPrefixRep;
  if (last_rep == 0xF2) prefixes |= kPrefixRepne;
  if (rex != 0) {
    s.any_rex = true;
    s.w = (rex >> 3) & 1;
    s.r = static_cast<uint8_t>((rex & 4) << 1);
    s.x = static_cast<uint8_t>((rex & 2) << 2);
    s.b = static_cast<uint8_t>((rex & 1) << 3);
  }
  const bool opsize_prefix = (prefixes & kPrefixOpSize) != 0;
  const bool addrsize_prefix = (prefixes & kPrefixAddrSize) != 0;

  // Opcode, escapes, VEX/EVEX/XOP.
  uint8_t opcode = s.p[s.pos++];
  OpcodeMap map = OpcodeMap::kOneByte;
  bool vex = false;
  uint8_t vex_vvvv = 0;
  uint8_t vex_l = 0;
  int prefix_class = last_rep == 0xF3 ? 2 : last_rep == 0xF2 ? 3 : opsize_prefix ? 1 : 0;
  if (opcode == 0x0F) {
    if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
    const uint8_t second = s.p[s.pos++];
    if (second == 0x38 || second == 0x3A) {
      if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
      map = second == 0x38 ? OpcodeMap::k0F38 : OpcodeMap::k0F3A;
      opcode = s.p[s.pos++];
    } else {
      map = OpcodeMap::k0F;
      opcode = second;
    }
  } else if (opcode == 0xC4 || opcode == 0xC5 || opcode == 0x62 || opcode == 0x8F) {
    // Outside 64-bit mode C4/C5/62 are VEX/EVEX only when the next byte would be a register
    // ModRM (LES/LDS/BOUND need memory) (SDM Vol. 2A 2.3.5.2); 8F is XOP when the next byte's
    // map-select field is 8 or more (AMD APM Vol. 3 1.8), otherwise POP Ev.
    bool escape = s.m64 && opcode != 0x8F;
    if (!escape) {
      if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
      const uint8_t next = s.p[s.pos];
      escape = opcode == 0x8F ? (next & 0x1F) >= 8 : (next & 0xC0) == 0xC0;
    }
    if (escape && (opcode == 0x62 || opcode == 0x8F)) return DecodeStatus::kUndefined;
    if (escape) {
      // VEX with a 66/F2/F3/LOCK or REX prefix is #UD (SDM Vol. 2A 2.3.2).
      if (rex != 0 || opsize_prefix || last_rep != 0 || (prefixes & kPrefixLock)) {
        return DecodeStatus::kUndefined;
      }
      const int vex_bytes = opcode == 0xC5 ? 1 : 2;
      if (DecodeStatus st = s.Need(vex_bytes); st != DecodeStatus::kOk) return st;
      const uint8_t b1 = s.p[s.pos];
      const uint8_t last = s.p[s.pos + vex_bytes - 1];
      s.pos += vex_bytes;
      int map_select = 1;
      s.r = (b1 & 0x80) ? 0 : 8;
      if (opcode == 0xC4) {
        s.x = (b1 & 0x40) ? 0 : 8;
        s.b = (b1 & 0x20) ? 0 : 8;
        map_select = b1 & 0x1F;
        s.w = last >> 7;
      }
      vex_vvvv = static_cast<uint8_t>((~last >> 3) & 15);
      vex_l = (last >> 2) & 1;
      prefix_class = last & 3;  // pp: none, 66, F3, F2 -- the Split::kPrefix order
      if (!s.m64) {
        // Outside 64-bit mode VEX.B, VEX.W (for GPR instructions) and vvvv[3] are ignored.
        s.b = 0;
        s.w = 0;
        vex_vvvv &= 7;
      }
      if (map_select < 1 || map_select > 3) return DecodeStatus::kUndefined;
      map = static_cast<OpcodeMap>(static_cast<int>(OpcodeMap::kVex0F) + map_select - 1);
      if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
      opcode = s.p[s.pos++];
      vex = true;
    }
  }

  // Walk the decode tree to the table line.
  const bool amd3dnow = map == OpcodeMap::k0F && opcode == 0x0F;
  const int osz_class = s.m64 ? (s.w             ? 2
                                 : opsize_prefix ? 0
                                                 : 1)
                              : ((mode == CodeSize::k32) != opsize_prefix ? 1 : 0);
  const int asz_class =
      s.m64 ? (addrsize_prefix ? 1 : 2) : ((mode == CodeSize::k32) != addrsize_prefix ? 1 : 0);
  const DecodeDef* def = nullptr;
  if (!amd3dnow) {
    Node node = kTables.root[static_cast<int>(map)][opcode];
    while (NodeSplit(node) != Split::kLeaf) {
      int index = 0;
      switch (NodeSplit(node)) {
        case Split::kMode:
          index = s.m64;
          break;
        case Split::kPrefix:
          index = prefix_class;
          break;
        case Split::kModReg:
          if (!s.have_modrm) {
            if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
            s.modrm = s.p[s.pos++];
            s.have_modrm = true;
          }
          index = (s.Mod() == 3 ? 8 : 0) | s.Reg();
          break;
        case Split::kRm:
          index = s.Rm();
          break;
        case Split::kW:
          index = s.w;
          break;
        case Split::kOpSize:
          index = osz_class;
          break;
        case Split::kAddrSize:
          index = asz_class;
          break;
        case Split::kRexB:
          index = s.b >> 3;
          break;
        case Split::kLeaf:
          break;
      }
      node = kTables.nodes[NodePayload(node) + index];
    }
    if (NodePayload(node) == 0) return DecodeStatus::kUndefined;
    def = &kTables.defs[NodePayload(node) - 1];
  }
  if ((amd3dnow || (def->info & detail::kInfoModrm)) && !s.have_modrm) {
    if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
    s.modrm = s.p[s.pos++];
    s.have_modrm = true;
  }

  // Effective operand and address size (SDM Vol. 1 3.6, Vol. 2A 2.2.1.2 and Table A-1
  // d64/f64). MOV CR/DR-style instructions are 32-bit outside 64-bit mode, 64-bit in it.
  const uint32_t attrs = def ? def->attributes : 0;
  int osz;
  if (attrs & kAttrOpSize32) {
    osz = s.m64 ? 8 : 4;
  } else {
    const bool o16 = opsize_prefix && !(def && (def->info & detail::kInfoMandatory66));
    if (s.m64) {
      osz = s.w                        ? 8
            : (attrs & kAttrForce64)   ? 8
            : (attrs & kAttrDefault64) ? (o16 ? 2 : 8)
                                       : (o16 ? 2 : 4);
    } else {
      osz = ((mode == CodeSize::k32) != o16) ? 4 : 2;
    }
  }
  const int asz =
      s.m64 ? (addrsize_prefix ? 4 : 8) : (((mode == CodeSize::k32) != addrsize_prefix) ? 4 : 2);
  const Seg override_seg = s.m64 ? seg_fs_gs : seg;

  // ModRM memory form. MOV CR/DR ignore mod and always name a register (SDM MOV-Move to/from
  // Control Registers: "the mod field is ignored").
  const bool reg_form = s.have_modrm && (s.Mod() == 3 || (attrs & kAttrModIgnored));
  if (s.have_modrm && !reg_form) {
    bool has_sib = false;
    uint8_t sib = 0;
    if (DecodeStatus st = DecodeMemory(s, asz, override_seg, out.mem, sib, has_sib);
        st != DecodeStatus::kOk) {
      return st;
    }
    out.sib = sib;
    out.has_sib = has_sib;
  }

  // 3DNow!: the real opcode is the byte after the displacement.
  if (amd3dnow) {
    if (DecodeStatus st = s.Need(1); st != DecodeStatus::kOk) return st;
    opcode = s.p[s.pos++];
    map = OpcodeMap::k3DNow;
    const Node node = kTables.root[static_cast<int>(map)][opcode];
    if (NodePayload(node) == 0) return DecodeStatus::kUndefined;
    def = &kTables.defs[NodePayload(node) - 1];
  }

  if (vex) {
    // Every decoded VEX instruction is VEX.LZ; an unused vvvv must be 1111b (SDM 2.3.6).
    if (vex_l != 0) return DecodeStatus::kUndefined;
    if (!(def->info & detail::kInfoUsesVvvv) && vex_vvvv != 0) return DecodeStatus::kUndefined;
  }

  // Explicit operands, in table order; immediates follow the displacement in that order.
  // String instructions have only implicit operands (rSI/rDI memory, AL/rAX, DX).
  int num_ops = 0;
  int num_imm = 0;
  const int spec_count = (def->attributes & (kAttrRep | kAttrRepCond)) ? 0 : 4;
  for (int i = 0; i < spec_count; ++i) {
    const OperandSpec& spec = def->ops[i];
    if (spec.method == Method::kNone) break;
    Operand& op = out.operands[num_ops];
    switch (spec.method) {
      case Method::kE:
      case Method::kM:
      case Method::kR:
        if (reg_form) {
          if (spec.method == Method::kM) return DecodeStatus::kUndefined;
          const uint8_t size = GprSize(spec.size, osz);
          op = {OperandKind::kGpr, s.ByteReg(static_cast<uint8_t>(s.Rm() | s.b), size), size};
        } else {
          if (spec.method == Method::kR) return DecodeStatus::kUndefined;
          op = {OperandKind::kMem, 0, MemSize(spec.mem_size, osz, s.m64)};
        }
        break;
      case Method::kW:
      case Method::kU:
        if (reg_form) {
          op = {OperandKind::kXmm, static_cast<uint8_t>(s.Rm() | s.b), 16};
        } else {
          if (spec.method == Method::kU) return DecodeStatus::kUndefined;
          op = {OperandKind::kMem, 0, MemSize(spec.mem_size, osz, s.m64)};
        }
        break;
      case Method::kQ:
      case Method::kN:
        if (reg_form) {
          op = {OperandKind::kMmx, s.Rm(), 8};  // MMX registers ignore REX.B
        } else {
          if (spec.method == Method::kN) return DecodeStatus::kUndefined;
          op = {OperandKind::kMem, 0, MemSize(spec.mem_size, osz, s.m64)};
        }
        break;
      case Method::kG: {
        const uint8_t size = GprSize(spec.size, osz);
        op = {OperandKind::kGpr, s.ByteReg(static_cast<uint8_t>(s.Reg() | s.r), size), size};
        break;
      }
      case Method::kV:
        op = {OperandKind::kXmm, static_cast<uint8_t>(s.Reg() | s.r), 16};
        break;
      case Method::kP:
        op = {OperandKind::kMmx, s.Reg(), 8};
        break;
      case Method::kS:
        // Sreg 6/7 do not exist; MOV CS, r/m is #UD (SDM MOV).
        if (s.Reg() > 5 || (i == 0 && s.Reg() == 1)) return DecodeStatus::kUndefined;
        op = {OperandKind::kSeg, s.Reg(), 2};
        break;
      case Method::kC: {
        // CR1, CR5-7, CR9-15 are reserved (#UD), CR8 needs REX.R (SDM MOV to/from CR).
        const uint8_t cr = static_cast<uint8_t>(s.Reg() | s.r);
        if (cr != 0 && cr != 2 && cr != 3 && cr != 4 && cr != 8) return DecodeStatus::kUndefined;
        op = {OperandKind::kCr, cr, static_cast<uint16_t>(osz)};
        break;
      }
      case Method::kD:
        if (s.r) return DecodeStatus::kUndefined;  // DR8-DR15 do not exist
        op = {OperandKind::kDr, s.Reg(), static_cast<uint16_t>(osz)};
        break;
      case Method::kB:
        op = {OperandKind::kGpr, vex_vvvv, GprSize(Sz::kY, osz)};
        break;
      case Method::kZ: {
        const uint8_t size = GprSize(spec.size, osz);
        op = {OperandKind::kGpr, s.ByteReg(static_cast<uint8_t>((opcode & 7) | s.b), size), size};
        break;
      }
      case Method::kFixedGpr:
        op = {OperandKind::kGpr, spec.reg, GprSize(spec.size, osz)};
        break;
      case Method::kFixedSeg:
        op = {OperandKind::kSeg, spec.reg, 2};
        break;
      case Method::kSt0:
        op = {OperandKind::kSt, 0, 10};
        break;
      case Method::kSti:
        op = {OperandKind::kSt, s.Rm(), 10};
        break;
      case Method::kOne:
        out.imm[num_imm] = 1;
        op = {OperandKind::kImm, static_cast<uint8_t>(num_imm++), 1};
        break;
      case Method::kI:
      case Method::kIs: {
        // Ib/Iw as encoded; Iz is 16 or 32 bits, sign-extended to 64 for a 64-bit operand;
        // Iv is imm64 with REX.W (MOV r64, imm64); Ibs sign-extends to the operand size.
        const int n = spec.method == Method::kIs ? 1
                      : spec.size == Sz::kZ      ? (osz == 2 ? 2 : 4)
                      : spec.size == Sz::kV      ? osz
                                                 : GprSize(spec.size, osz);
        if (DecodeStatus st = s.Need(n); st != DecodeStatus::kOk) return st;
        uint64_t value = ReadLe(s.p + s.pos, n);
        s.pos += n;
        int size = n;
        if (spec.method == Method::kIs) {
          size = osz;
          value = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(value))) &
                  SizeMask(osz);
        } else if (spec.size == Sz::kZ && osz == 8) {
          size = 8;
          value = static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(value)));
        }
        out.imm[num_imm] = static_cast<int64_t>(value);
        op = {OperandKind::kImm, static_cast<uint8_t>(num_imm++), static_cast<uint16_t>(size)};
        break;
      }
      case Method::kJ: {
        const int n = spec.size == Sz::kB ? 1 : (osz == 2 ? 2 : 4);
        if (DecodeStatus st = s.Need(n); st != DecodeStatus::kOk) return st;
        const uint64_t raw = ReadLe(s.p + s.pos, n);
        s.pos += n;
        out.imm[0] = n == 1   ? static_cast<int8_t>(raw)
                     : n == 2 ? static_cast<int16_t>(raw)
                              : static_cast<int32_t>(raw);
        num_imm = 1;
        op = {OperandKind::kRel, 0, static_cast<uint16_t>(osz)};
        break;
      }
      case Method::kA: {
        const int n = osz == 2 ? 2 : 4;
        if (DecodeStatus st = s.Need(n + 2); st != DecodeStatus::kOk) return st;
        out.imm[0] = static_cast<int64_t>(ReadLe(s.p + s.pos, n));
        out.imm[1] = static_cast<int64_t>(ReadLe(s.p + s.pos + n, 2));
        s.pos += n + 2;
        num_imm = 2;
        op = {OperandKind::kFarPtr, 0, static_cast<uint16_t>(n + 2)};
        break;
      }
      case Method::kO: {
        // moffs: an address-size offset, no ModRM (SDM MOV A0-A3; 64-bit moffs in 64-bit mode).
        if (DecodeStatus st = s.Need(asz); st != DecodeStatus::kOk) return st;
        out.mem.disp = static_cast<int64_t>(ReadLe(s.p + s.pos, asz));
        s.pos += asz;
        out.mem.base = kRegNone;
        out.mem.index = kRegNone;
        out.mem.scale = 1;
        out.mem.address_size = static_cast<uint8_t>(asz);
        out.mem.segment = override_seg != Seg::kNone ? override_seg : Seg::kDS;
        op = {OperandKind::kMem, 0, GprSize(spec.size, osz)};
        break;
      }
      case Method::kX:
      case Method::kY:
      case Method::kImplicit:
      case Method::kNone:
        continue;
    }
    ++num_ops;
  }

  // LOCK needs a lockable instruction with a memory destination (SDM LOCK: #UD otherwise).
  if ((prefixes & kPrefixLock) && (!(attrs & kAttrLockable) || !s.have_modrm || reg_form)) {
    return DecodeStatus::kUndefined;
  }

  out.mnemonic = def->mnemonic;
  out.length = static_cast<uint8_t>(s.pos);
  out.map = map;
  out.opcode = opcode;
  out.modrm = s.modrm;
  out.has_modrm = s.have_modrm;
  out.operand_size = (def->info & detail::kInfoByteOp) ? 1 : static_cast<uint8_t>(osz);
  out.address_size = static_cast<uint8_t>(asz);
  out.prefixes = static_cast<uint8_t>(prefixes | (vex ? kPrefixVex : 0));
  out.segment_override = seg;
  out.rex = rex;
  out.mandatory_prefix = def->mandatory_prefix;
  out.vex_vvvv = vex_vvvv;
  out.vex_l_w = vex ? static_cast<uint8_t>(vex_l | (s.w << 1)) : 0;
  out.isa = def->isa;
  out.num_operands = static_cast<uint8_t>(num_ops);
  out.attributes = def->attributes;
  return DecodeStatus::kOk;
}

}  // namespace vireo::x86
