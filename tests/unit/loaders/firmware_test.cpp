// -bios: the image at 4 GiB - size, its last 128 KiB aliased below 1 MiB, read-only, and the
// size rules.

#include "machine/loaders/firmware.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "tests/unit/loaders/loader_fixture.h"

using namespace vireo::loaders;
using namespace vireo::loaders::test;
namespace x86 = vireo::x86;

namespace {
constexpr uint64_t kKiB = 1 << 10, kMiB = 1 << 20;

std::vector<uint8_t> Rom(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>((i >> 8) ^ i);
  return v;
}
}  // namespace

TEST_CASE("-bios: a 256 KiB image ends at 4 GiB and its last 128 KiB end at 1 MiB") {
  TempDir dir;
  const std::vector<uint8_t> image = Rom(256 * kKiB);
  const std::string path = dir.Write("bios-256k.bin", image);
  Guest g(32 * kMiB);
  auto rom = LoadFirmware(path, g.memory);
  CHECK(rom->path() == path);
  CHECK(rom->base() == 0xFFFC0000);
  CHECK(rom->size() == 256 * kKiB);
  CHECK(rom->isa_alias_base() == 0xE0000);
  CHECK(rom->isa_alias_size() == 128 * kKiB);
  CHECK(g.Bytes(0xFFFC0000, image.size()) == image);
  CHECK(g.Bytes(0xFFFFFFF0, 16) == std::vector<uint8_t>(image.end() - 16, image.end()));
  CHECK(g.Bytes(0xE0000, 128 * kKiB) ==
        std::vector<uint8_t>(image.begin() + 128 * kKiB, image.end()));
  CHECK(g.memory.Lookup(0xE0000).kind == vireo::machine::MemoryKind::kRom);
  CHECK(g.memory.Lookup(0xDFFFF).kind == vireo::machine::MemoryKind::kRam);
  // Read-only: guest writes are dropped.
  g.Fill(0xFFFFFFF0, 16, 0);
  g.Fill(0xF0000, 16, 0);
  CHECK(g.Bytes(0xFFFFFFF0, 16) == std::vector<uint8_t>(image.end() - 16, image.end()));
  CHECK(g.U8(0xF0000) == image[image.size() - 0x10000]);
  // The vCPU is untouched: the reset vector fetches from the top of the image.
  CHECK(g.state().rip == 0xFFF0);
  CHECK(g.state().seg[x86::kCs].base == 0xFFFF0000);
}

TEST_CASE("-bios: a 64 KiB image is aliased whole at 0xF0000") {
  TempDir dir;
  const std::vector<uint8_t> image = Rom(64 * kKiB);
  Guest g(16 * kMiB);
  auto rom = LoadFirmware(dir.Write("small.rom", image), g.memory);
  CHECK(rom->base() == 0xFFFF0000);
  CHECK(rom->isa_alias_base() == 0xF0000);
  CHECK(rom->isa_alias_size() == 64 * kKiB);
  CHECK(g.Bytes(0xF0000, image.size()) == image);
  CHECK(g.memory.Lookup(0xEFFFF).kind == vireo::machine::MemoryKind::kRam);
  CHECK(rom->bytes().size() == image.size());
}

TEST_CASE("-bios: sizes that are not a multiple of 64 KiB, empty or over 16 MiB are refused") {
  TempDir dir;
  Guest g(16 * kMiB);
  const std::string odd = dir.Write("odd.bin", std::vector<uint8_t>(100000, 0));
  CHECK(ErrorOf([&] { LoadFirmware(odd, g.memory); }) ==
        "'" + odd + "': firmware size 100000 bytes is not a non-zero multiple of 64 KiB");
  const std::string empty = dir.Write("empty.bin", {});
  CHECK(ErrorOf([&] { LoadFirmware(empty, g.memory); }).find("firmware size 0 bytes") !=
        std::string::npos);
  const std::string huge = dir.Write("huge.bin", {});
  std::filesystem::resize_file(huge, 32 * kMiB);
  CHECK(ErrorOf([&] { LoadFirmware(huge, g.memory); }) ==
        "'" + huge + "': firmware is 32 MiB, at most 16 MiB fits below 4 GiB");
  const std::string missing = dir.Path("nope/bios.bin");
  CHECK(ErrorOf([&] { LoadFirmware(missing, g.memory); }) ==
        "'" + missing + "': cannot open firmware: No such file or directory");
  CHECK(g.memory.Lookup(0xFFFFFFF0).kind == vireo::machine::MemoryKind::kUnassigned);
}

TEST_CASE("-bios: a second firmware on the same machine is an overlap error, not a crash") {
  TempDir dir;
  Guest g(16 * kMiB);
  const std::string path = dir.Write("a.bin", Rom(64 * kKiB));
  auto rom = LoadFirmware(path, g.memory);
  CHECK(ErrorOf([&] { LoadFirmware(path, g.memory); }).find("overlaps") != std::string::npos);
}
