#include "machine/loaders/e820.h"

#include <algorithm>

#include "machine/loaders/boot_layout.h"

namespace vireo::loaders {

std::vector<E820Entry> BuildE820(const machine::PcLayout& layout) {
  std::vector<E820Entry> map;
  const uint64_t low = layout.low_ram;
  map.push_back({0, std::min(low, kEbdaStart), E820Type::kRam});
  map.push_back({kEbdaStart, kHighMemStart - kEbdaStart, E820Type::kReserved});
  if (low > kHighMemStart) map.push_back({kHighMemStart, low - kHighMemStart, E820Type::kRam});
  if (layout.high_ram != 0)
    map.push_back({machine::PcLayout::kHighRamBase, layout.high_ram, E820Type::kRam});
  return map;
}

}  // namespace vireo::loaders
