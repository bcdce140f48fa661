#include "machine/address_space.h"

#include <algorithm>
#include <cstring>

#include "machine/error.h"

namespace vireo::machine {

void AddressSpace::AddRam(uint64_t gpa, uint64_t size, uint8_t* host, std::string name) {
  AddRegion(ram_, {gpa, size, host, false, std::move(name)});
}

void AddressSpace::AddRom(uint64_t gpa, uint64_t size, uint8_t* host, std::string name) {
  AddRegion(roms_, {gpa, size, host, true, std::move(name)});
}

void AddressSpace::RemoveRom(uint64_t gpa) {
  std::erase_if(roms_, [gpa](const Region& r) { return r.gpa == gpa; });
}

void AddressSpace::AddRegion(std::vector<Region>& list, Region r) {
  if (r.size == 0 || r.gpa + r.size - 1 < r.gpa)
    throw Error("memory region '" + r.name + "' has an invalid size");
  for (const Region& o : list) {
    if (r.gpa < o.gpa + o.size && o.gpa < r.gpa + r.size)
      throw Error("memory region '" + r.name + "' overlaps '" + o.name + "'");
  }
  auto pos = std::lower_bound(list.begin(), list.end(), r.gpa,
                              [](const Region& a, uint64_t g) { return a.gpa < g; });
  list.insert(pos, std::move(r));
}

const AddressSpace::Region* AddressSpace::FindRegion(const std::vector<Region>& list, uint64_t gpa,
                                                     uint64_t* next) {
  auto r = std::upper_bound(list.begin(), list.end(), gpa,
                            [](uint64_t g, const Region& a) { return g < a.gpa; });
  *next = r == list.end() ? UINT64_MAX : r->gpa;
  if (r == list.begin()) return nullptr;
  const Region& reg = *std::prev(r);
  return gpa - reg.gpa < reg.size ? &reg : nullptr;
}

MemoryLookup AddressSpace::Lookup(uint64_t gpa) const {
  // Precedence MMIO > ROM > RAM. The span of an answer stops where a higher-precedence window
  // starts, so a caller that streams through the span never writes over a device or a ROM.
  if (const Bus::Range* m = mmio_.Find(gpa))
    return {MemoryKind::kMmio, nullptr, m->base + m->length - gpa};
  uint64_t end = UINT64_MAX;
  auto it = mmio_.ranges().upper_bound(gpa);
  if (it != mmio_.ranges().end()) end = it->first;

  uint64_t next_rom = UINT64_MAX, next_ram = UINT64_MAX;
  if (const Region* rom = FindRegion(roms_, gpa, &next_rom)) {
    return {MemoryKind::kRom, rom->host + (gpa - rom->gpa),
            std::min(rom->gpa + rom->size, end) - gpa};
  }
  end = std::min(end, next_rom);
  if (const Region* ram = FindRegion(ram_, gpa, &next_ram)) {
    return {MemoryKind::kRam, ram->host + (gpa - ram->gpa),
            std::min(ram->gpa + ram->size, end) - gpa};
  }
  end = std::min(end, next_ram);
  // At least one byte, so a caller's loop always advances (even at the very top of the space).
  return {MemoryKind::kUnassigned, nullptr,
          std::max<uint64_t>(1, end == UINT64_MAX ? UINT64_MAX - gpa : end - gpa)};
}

void AddressSpace::Read(uint64_t gpa, std::span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    MemoryLookup m = Lookup(gpa + done);
    size_t n = static_cast<size_t>(std::min<uint64_t>(m.span, out.size() - done));
    switch (m.kind) {
      case MemoryKind::kRam:
      case MemoryKind::kRom:
        std::memcpy(out.data() + done, m.host, n);
        break;
      case MemoryKind::kMmio:
        n = 1;  // devices see guest-sized accesses from the CPU; bulk copies go byte-wise
        out[done] = static_cast<uint8_t>(mmio_.Read(gpa + done, 1));
        break;
      case MemoryKind::kUnassigned:
        std::memset(out.data() + done, 0xFF, n);
        break;
    }
    done += n;
  }
}

void AddressSpace::Write(uint64_t gpa, std::span<const uint8_t> in) {
  size_t done = 0;
  while (done < in.size()) {
    MemoryLookup m = Lookup(gpa + done);
    size_t n = static_cast<size_t>(std::min<uint64_t>(m.span, in.size() - done));
    if (m.kind == MemoryKind::kRam) {
      std::memcpy(m.host, in.data() + done, n);
    } else if (m.kind == MemoryKind::kMmio) {
      n = 1;
      mmio_.Write(gpa + done, 1, in[done]);
    }
    done += n;  // ROM and unassigned addresses ignore writes, as on a PC
  }
}

uint8_t* AddressSpace::RamPointer(uint64_t gpa, uint64_t len) const {
  MemoryLookup m = Lookup(gpa);
  return m.kind == MemoryKind::kRam && m.span >= len ? m.host : nullptr;
}

void AddressSpace::SetA20(bool enabled) {
  if (enabled == a20_) return;
  a20_ = enabled;
  if (on_a20_changed_) on_a20_changed_();
}

}  // namespace vireo::machine
