#include "machine/bus.h"

#include <cstdio>

#include "machine/error.h"

namespace vireo::machine {

namespace {

uint64_t Mask(unsigned size) { return size >= 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * size)) - 1; }

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

void Bus::Map(uint64_t base, uint64_t length, IoHandler* handler, std::string name,
              AccessSizes sizes) {
  if (length == 0) throw Error(kind_ + " window for '" + name + "' has zero length");
  if (base + length - 1 < base) throw Error(kind_ + " window for '" + name + "' wraps around");
  auto clash = [&](const Range& r) {
    throw Error(kind_ + " range " + Hex(base) + "-" + Hex(base + length - 1) + " for '" + name +
                "' overlaps '" + r.name + "' at " + Hex(r.base) + "-" + Hex(r.base + r.length - 1));
  };
  auto next = ranges_.lower_bound(base);
  if (next != ranges_.end() && next->first <= base + length - 1) clash(next->second);
  if (next != ranges_.begin()) {
    const Range& prev = std::prev(next)->second;
    if (prev.base + prev.length - 1 >= base) clash(prev);
  }
  ranges_.emplace(base, Range{base, length, handler, std::move(name), sizes});
}

void Bus::Unmap(uint64_t base) { ranges_.erase(base); }

const Bus::Range* Bus::Find(uint64_t addr) const {
  auto it = ranges_.upper_bound(addr);
  if (it == ranges_.begin()) return nullptr;
  const Range& r = std::prev(it)->second;
  return addr - r.base < r.length ? &r : nullptr;
}

uint64_t Bus::Read(uint64_t addr, unsigned size) {
  const Range* r = Find(addr);
  if (r != nullptr && addr - r->base + size <= r->length) return ReadIn(*r, addr - r->base, size);
  // The access leaves one window (or starts in a gap): assemble it byte by byte, so each byte
  // comes from whichever handler (or the all-ones gap) owns it.
  uint64_t value = 0;
  for (unsigned i = 0; i < size; ++i) {
    const Range* b = Find(addr + i);
    uint64_t byte = b != nullptr ? ReadIn(*b, addr + i - b->base, 1) : 0xFF;
    value |= (byte & 0xFF) << (8 * i);
  }
  return value;
}

void Bus::Write(uint64_t addr, unsigned size, uint64_t value) {
  const Range* r = Find(addr);
  if (r != nullptr && addr - r->base + size <= r->length) {
    WriteIn(*r, addr - r->base, size, value & Mask(size));
    return;
  }
  for (unsigned i = 0; i < size; ++i) {
    const Range* b = Find(addr + i);
    if (b != nullptr) WriteIn(*b, addr + i - b->base, 1, (value >> (8 * i)) & 0xFF);
  }
}

uint64_t Bus::ReadIn(const Range& r, uint64_t off, unsigned size) {
  const AccessSizes& s = r.sizes;
  if (size >= s.min && size <= s.max) return r.handler->Read(off, size) & Mask(size);
  if (size > s.max) {
    // Split into the widest accepted pieces, assembled little-endian (x86 byte order).
    uint64_t value = 0;
    for (unsigned done = 0; done < size; done += s.max)
      value |= ReadIn(r, off + done, s.max) << (8 * done);
    return value & Mask(size);
  }
  // Narrower than the handler accepts: read the aligned minimum-size unit that contains it.
  uint64_t aligned = off & ~uint64_t{s.min - 1};
  if (off + size <= aligned + s.min && aligned + s.min <= r.length)
    return (r.handler->Read(aligned, s.min) >> (8 * (off - aligned))) & Mask(size);
  uint64_t value = 0;
  for (unsigned i = 0; i < size; ++i) {
    uint64_t a = (off + i) & ~uint64_t{s.min - 1};
    value |= ((r.handler->Read(a, s.min) >> (8 * (off + i - a))) & 0xFF) << (8 * i);
  }
  return value;
}

void Bus::WriteIn(const Range& r, uint64_t off, unsigned size, uint64_t value) {
  const AccessSizes& s = r.sizes;
  if (size >= s.min && size <= s.max) {
    r.handler->Write(off, size, value);
    return;
  }
  if (size > s.max) {
    for (unsigned done = 0; done < size; done += s.max)
      WriteIn(r, off + done, s.max, (value >> (8 * done)) & Mask(s.max));
    return;
  }
  // Narrower than accepted: read-modify-write the containing unit, so the bytes the guest did
  // not address keep their values.
  for (unsigned i = 0; i < size;) {
    uint64_t a = (off + i) & ~uint64_t{s.min - 1};
    unsigned shift = static_cast<unsigned>(off + i - a);
    unsigned n = std::min<unsigned>(size - i, s.min - shift);
    uint64_t old = r.handler->Read(a, s.min);
    uint64_t m = Mask(n) << (8 * shift);
    uint64_t part = ((value >> (8 * i)) & Mask(n)) << (8 * shift);
    r.handler->Write(a, s.min, (old & ~m) | part);
    i += n;
  }
}

}  // namespace vireo::machine
