// Format detection, file errors and option checks shared by every kernel format, and the e820
// map the formats share.

#include <doctest/doctest.h>

#include "machine/loaders/e820.h"
#include "tests/unit/loaders/loader_fixture.h"

using namespace vireo::loaders;
using namespace vireo::loaders::test;
using vireo::machine::PcLayout;

namespace {
constexpr uint64_t kMiB = 1 << 20;
}

TEST_CASE("kernel files that are missing, folders or of no known format are named") {
  TempDir dir;
  Guest g(16 * kMiB);
  const std::string missing = dir.Path("missing");
  CHECK(ErrorOf([&] {
          g.Load({missing, "", ""});
        }) == "'" + missing + "': cannot open kernel: No such file or directory");
  CHECK(ErrorOf([&] { g.Load({"/", "", ""}); }) == "'/': kernel is not a regular file");
  const std::string junk = dir.Write("junk", std::vector<uint8_t>(4096, 0x5A));
  CHECK(ErrorOf([&] {
          g.Load({junk, "", ""});
        }) == "'" + junk + "': not a Linux bzImage, ELF or multiboot kernel");
  const std::string empty = dir.Write("empty", {});
  CHECK(ErrorOf([&] {
          g.Load({empty, "", ""});
        }) == "'" + empty + "': not a Linux bzImage, ELF or multiboot kernel");
  // Half a setup header: the "HdrS" check needs 0x206 bytes.
  std::vector<uint8_t> stub = MakeBzImage({});
  stub.resize(0x204);
  const std::string short_bz = dir.Write("short", stub);
  CHECK(ErrorOf([&] {
          g.Load({short_bz, "", ""});
        }).find("not a Linux bzImage") != std::string::npos);
}

TEST_CASE("-initrd and -append need -kernel, as in QEMU") {
  CHECK(ErrorOf([] {
          CheckBootOptions({"", "initrd.img", ""});
        }) == "-initrd only allowed with -kernel option");
  CHECK(ErrorOf([] {
          CheckBootOptions({"", "", "quiet"});
        }) == "-append only allowed with -kernel option");
  CHECK(ErrorOf([] { CheckBootOptions({"", "", ""}); }).empty());
  CHECK(ErrorOf([] { CheckBootOptions({"bzImage", "initrd.img", "quiet"}); }).empty());
  Guest g(16 * kMiB);
  CHECK(ErrorOf([&] { g.Load({"", "x", ""}); }) == "-initrd only allowed with -kernel option");
}

TEST_CASE("e820: conventional RAM, the reserved legacy hole, extended RAM, RAM above 4 GiB") {
  using T = E820Type;
  CHECK(BuildE820(PcLayout::For(128 * kMiB)) ==
        std::vector<E820Entry>{{0, 0x9FC00, T::kRam},
                               {0x9FC00, 0x60400, T::kReserved},
                               {0x100000, 127 * kMiB, T::kRam}});
  CHECK(BuildE820(PcLayout::For(6144 * kMiB)) ==
        std::vector<E820Entry>{{0, 0x9FC00, T::kRam},
                               {0x9FC00, 0x60400, T::kReserved},
                               {0x100000, 0xE0000000 - 0x100000, T::kRam},
                               {0x100000000, 6144 * kMiB - 0xE0000000, T::kRam}});
  CHECK(BuildE820(PcLayout::For(512 << 10)) ==
        std::vector<E820Entry>{{0, 512 << 10, T::kRam}, {0x9FC00, 0x60400, T::kReserved}});
  CHECK(std::string(KernelFormatName(KernelFormat::kMultiboot)) == "multiboot");
}
