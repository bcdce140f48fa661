// Parser for the text form written by Dump(), so pass tests can be written as IR text.

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "jit/ir/ir.h"

namespace vireo::ir {

namespace {

Type ParseType(const std::string& s, int line) {
  for (Type t : {Type::kU1, Type::kU8, Type::kU16, Type::kU32, Type::kU64})
    if (TypeName(t) == s) return t;
  throw std::invalid_argument("line " + std::to_string(line) + ": unknown type '" + s + "'");
}

uint64_t ParseNumber(const std::string& s, int line) {
  char* end = nullptr;
  uint64_t v = std::strtoull(s.c_str(), &end, 0);
  if (s.empty() || *end != '\0')
    throw std::invalid_argument("line " + std::to_string(line) + ": bad number '" + s + "'");
  return v;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  size_t e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Value ParseValue(const std::string& text, const Block& block, int line) {
  std::string s = Trim(text);
  if (!s.empty() && s[0] == '%') {
    uint64_t index = ParseNumber(s.substr(1), line);
    if (index >= block.insts.size() || block.insts[index].dead)
      throw std::invalid_argument("line " + std::to_string(line) + ": %" + std::to_string(index) +
                                  " is not defined before its use");
    const Inst& def = block.insts[index];
    Type t = Info(def.op).result == Kind::kU1 ? Type::kU1 : def.type;
    return Value::Ref(static_cast<uint32_t>(index), t);
  }
  size_t colon = s.find(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("line " + std::to_string(line) + ": immediate '" + s +
                                "' needs a type, e.g. 0x5:u32");
  return Value::Imm(ParseType(s.substr(colon + 1), line), ParseNumber(s.substr(0, colon), line));
}

std::vector<std::string> SplitArgs(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = Trim(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

Block Parse(const std::string& text) {
  Block block;
  std::istringstream in(text);
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    std::string s = Trim(raw.substr(0, raw.find('#')));
    if (s.empty()) continue;
    uint16_t guest_offset = 0;
    if (size_t at = s.rfind('@'); at != std::string::npos) {
      guest_offset = static_cast<uint16_t>(ParseNumber(Trim(s.substr(at + 1)), line));
      s = Trim(s.substr(0, at));
    }
    std::istringstream words(s);
    std::string first;
    words >> first;
    std::string rest;
    std::getline(words, rest);
    if (first == "block") {
      std::istringstream w(rest);
      std::string pc, k1, size, k2, count;
      w >> pc >> k1 >> size >> k2 >> count;
      block.guest_pc = ParseNumber(pc, line);
      if (!size.empty()) block.guest_size = static_cast<uint32_t>(ParseNumber(size, line));
      if (!count.empty()) block.guest_insts = static_cast<uint32_t>(ParseNumber(count, line));
      continue;
    }
    auto args = SplitArgs(rest);
    if (first == "jump") {
      block.terminal = {Terminal::Kind::kJump, {ParseNumber(args.at(0), line), 0}, {}, {}};
      continue;
    }
    if (first == "branch") {
      if (args.size() != 3)
        throw std::invalid_argument("line " + std::to_string(line) +
                                    ": branch needs cond, taken, not-taken");
      block.terminal = {Terminal::Kind::kBranch,
                        {ParseNumber(args[1], line), ParseNumber(args[2], line)},
                        ParseValue(args[0], block, line),
                        {}};
      continue;
    }
    if (first == "indirect") {
      block.terminal = {Terminal::Kind::kIndirect, {0, 0}, {}, ParseValue(args.at(0), block, line)};
      continue;
    }
    if (first == "exit") {
      block.terminal = {};
      continue;
    }
    // "%N:type = Op[.type] args" or "Op args"
    Inst inst;
    inst.guest_offset = guest_offset;
    size_t index = block.insts.size();
    std::string op_word = first;
    if (first[0] == '%') {
      size_t colon = first.find(':');
      if (colon == std::string::npos)
        throw std::invalid_argument("line " + std::to_string(line) + ": result needs a type");
      index = ParseNumber(first.substr(1, colon - 1), line);
      if (index < block.insts.size())
        throw std::invalid_argument("line " + std::to_string(line) + ": %" + std::to_string(index) +
                                    " defined twice or out of order");
      inst.type = ParseType(first.substr(colon + 1), line);
      std::istringstream r(rest);
      std::string eq;
      r >> eq >> op_word;
      std::getline(r, rest);
      args = SplitArgs(rest);
    }
    std::string suffix;
    if (size_t dot = op_word.find('.'); dot != std::string::npos) {
      suffix = op_word.substr(dot + 1);
      op_word = op_word.substr(0, dot);
    }
    inst.op = OpcodeByName(op_word);
    if (inst.op == Opcode::kCount)
      throw std::invalid_argument("line " + std::to_string(line) + ": unknown opcode '" + op_word +
                                  "'");
    if (!suffix.empty()) inst.type = ParseType(suffix, line);
    const OpInfo& info = Info(inst.op);
    unsigned value_arg = 0;
    size_t next = 0;
    for (Kind k : info.args) {
      if (k == Kind::kVoid || next >= args.size()) break;
      if (k == Kind::kImm)
        inst.imm = ParseNumber(args[next++], line);
      else
        inst.args[value_arg++] = ParseValue(args[next++], block, line);
    }
    if (next != args.size())
      throw std::invalid_argument("line " + std::to_string(line) + ": too many operands for " +
                                  op_word);
    Inst filler;
    filler.dead = true;
    while (block.insts.size() < index) block.insts.push_back(filler);
    block.insts.push_back(inst);
  }
  return block;
}

}  // namespace vireo::ir
