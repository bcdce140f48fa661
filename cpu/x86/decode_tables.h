#pragma once
// Lookup structures built at compile time from the opcode tables (decode_tables.cpp). Per
// opcode map and opcode byte there is a root node; a node either names a table line (leaf)
// or splits on one property of the instruction (mode, mandatory prefix, ModRM.mod/reg,
// ModRM.rm, REX.W, operand size, address size, REX.B) and points at its children. Most
// opcodes are a single leaf, so decoding is one or two array lookups.

#include <cstdint>

#include "cpu/x86/opcode_table.h"

namespace vireo::x86::detail {

/// What a node splits on; the child index is the property's value.
enum class Split : uint8_t {
  kLeaf,      ///< payload = line index + 1, or 0 for an undefined encoding
  kMode,      ///< 0: 16/32-bit code, 1: 64-bit code
  kPrefix,    ///< 0: none, 1: 66, 2: F3, 3: F2 (last of F2/F3 wins over 66)
  kModReg,    ///< (mod == 11b) * 8 + ModRM.reg
  kRm,        ///< ModRM.rm
  kW,         ///< REX.W / VEX.W
  kOpSize,    ///< 0: 16, 1: 32, 2: 64-bit operand size (before d64/f64)
  kAddrSize,  ///< 0: 16, 1: 32, 2: 64-bit address size
  kRexB,      ///< REX.B
};

/// Number of children of each split kind.
inline constexpr int kSplitWidth[] = {0, 2, 4, 16, 8, 2, 3, 3, 2};

/// A node: split kind in bits 28-31, payload (child base or line index + 1) in bits 0-27.
using Node = uint32_t;
/// Extracts the split kind of a node.
constexpr Split NodeSplit(Node n) { return static_cast<Split>(n >> 28); }
/// Extracts the payload of a node.
constexpr uint32_t NodePayload(Node n) { return n & 0x0FFFFFFF; }

/// DecodeDef::info bits.
enum DefInfo : uint8_t {
  kInfoModrm = 1,        ///< has a ModRM byte
  kInfoMandatory66 = 2,  ///< 66 is a mandatory prefix here, not an operand-size prefix
  kInfoByteOp = 4,       ///< byte-sized operation (operand_size reported as 1)
  kInfoUsesVvvv = 8,     ///< VEX.vvvv names an operand (otherwise it must be 1111b)
};

/// The runtime form of one table line.
struct DecodeDef {
  table::OperandSpec ops[4];
  uint32_t attributes;  ///< AttrBits
  Mnemonic mnemonic;
  Isa isa;
  uint8_t info;              ///< DefInfo
  uint8_t mandatory_prefix;  ///< 0x66 / 0xF3 / 0xF2 consumed as opcode selector, else 0
};

/// Opcode maps with a root table (OpcodeMap values).
inline constexpr int kNumMaps = 8;
/// Capacity of the node pool and line array (checked when the tables are built).
inline constexpr int kMaxNodes = 4096;
inline constexpr int kMaxDefs = 1536;

/// All decode tables.
struct DecodeTables {
  Node root[kNumMaps][256];
  Node nodes[kMaxNodes];
  DecodeDef defs[kMaxDefs];
  int num_nodes;
  int num_defs;
};

/// The tables, constant-initialized at compile time.
extern const DecodeTables kTables;

}  // namespace vireo::x86::detail
