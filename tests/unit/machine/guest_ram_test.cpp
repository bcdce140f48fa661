#include "machine/guest_ram.h"

#include <doctest/doctest.h>

#include <cstring>

#include "machine/boards/pc.h"
#include "machine/error.h"

using vireo::machine::GuestRam;
using vireo::machine::PcLayout;

TEST_CASE("guest RAM is zeroed, lazily reserved and bounds-checked") {
  // 64 GiB would fail without MAP_NORESERVE on a 24 GiB host; with it, untouched pages cost
  // nothing.
  GuestRam big(64ull << 30);
  CHECK(big.size() == (64ull << 30));
  CHECK(big.data()[big.size() - 1] == 0);

  GuestRam ram(1 << 20);
  uint8_t in[4] = {1, 2, 3, 4}, out[4] = {};
  CHECK(ram.Write(0xFFFFC, in));
  CHECK(ram.Read(0xFFFFC, out));
  CHECK(std::memcmp(in, out, 4) == 0);
  CHECK_FALSE(ram.Write(0xFFFFD, in));  // one byte past the end
  CHECK_FALSE(ram.Read(uint64_t{1} << 40, out));
  CHECK(GuestRam(5000).size() == 8192);
  CHECK_THROWS_AS(GuestRam(0), vireo::Error);
}

TEST_CASE("pc layout keeps a PCI hole below 4 GiB") {
  PcLayout small = PcLayout::For(512ull << 20);
  CHECK(small.low_ram == (512ull << 20));
  CHECK(small.high_ram == 0);
  PcLayout big = PcLayout::For(8ull << 30);
  CHECK(big.low_ram == 0xE0000000);
  CHECK(big.high_ram == (8ull << 30) - 0xE0000000);
}
