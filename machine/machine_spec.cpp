#include "machine/machine_spec.h"

#include <cctype>

namespace vireo::machine {

std::vector<std::string> MachineSpec::EffectiveSerial() const {
  if (!serial.empty()) return serial;
  // QEMU: with -nographic (or no display at all) the first serial port goes to stdio; with a
  // window it goes to the window's virtual console, which a headless build shows on stdio too.
  return {"stdio"};
}

std::optional<uint64_t> ParseSize(const std::string& text, bool default_mib) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
  size_t pos = 0;
  uint64_t value = 0;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    if (value > (UINT64_MAX - 9) / 10) return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(text[pos] - '0');
    ++pos;
  }
  unsigned shift = default_mib ? 20 : 0;
  if (pos < text.size()) {
    switch (std::toupper(static_cast<unsigned char>(text[pos]))) {
      case 'B':
        shift = 0;
        break;
      case 'K':
        shift = 10;
        break;
      case 'M':
        shift = 20;
        break;
      case 'G':
        shift = 30;
        break;
      case 'T':
        shift = 40;
        break;
      default:
        return std::nullopt;
    }
    ++pos;
    // QEMU also accepts "512MB"/"512MiB"-less forms only; allow an optional trailing 'B'/'iB'.
    if (pos < text.size() && (text.substr(pos) == "B" || text.substr(pos) == "iB"))
      pos = text.size();
  }
  if (pos != text.size()) return std::nullopt;
  if (shift != 0 && value > (UINT64_MAX >> shift)) return std::nullopt;
  return value << shift;
}

}  // namespace vireo::machine
