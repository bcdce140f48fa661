#pragma once
// IR value types. Integers are held zero-extended in 64-bit slots by the interpreter; U128 and
// F80 arrive with the SSE and x87 work (issue 4).

#include <cstdint>
#include <string_view>

namespace vireo::ir {

/// The type of an IR value.
enum class Type : uint8_t { kVoid, kU1, kU8, kU16, kU32, kU64 };

/// Width in bits (U1 is 1, Void is 0).
constexpr unsigned BitWidth(Type t) {
  switch (t) {
    case Type::kVoid:
      return 0;
    case Type::kU1:
      return 1;
    case Type::kU8:
      return 8;
    case Type::kU16:
      return 16;
    case Type::kU32:
      return 32;
    case Type::kU64:
      return 64;
  }
  return 0;
}

/// All-ones mask of a type's width.
constexpr uint64_t TypeMask(Type t) {
  unsigned w = BitWidth(t);
  return w >= 64 ? ~uint64_t{0} : (uint64_t{1} << w) - 1;
}

/// The integer type of `bits` (8, 16, 32, 64; 1 for U1).
constexpr Type IntType(unsigned bits) {
  switch (bits) {
    case 1:
      return Type::kU1;
    case 8:
      return Type::kU8;
    case 16:
      return Type::kU16;
    case 32:
      return Type::kU32;
    default:
      return Type::kU64;
  }
}

/// "u32" etc., as the text dump writes it.
std::string_view TypeName(Type t);

}  // namespace vireo::ir
