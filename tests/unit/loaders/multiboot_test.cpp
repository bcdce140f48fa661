// Multiboot v1: header search, a.out-kludge and ELF32 loading, the boot information structure
// (spec 3.3) with memory, command line, one module and the mmap, and the machine state of 3.2.

#include <doctest/doctest.h>

#include "machine/loaders/boot_layout.h"
#include "machine/loaders/cpu_entry.h"
#include "machine/loaders/elf.h"
#include "tests/unit/loaders/loader_fixture.h"

using namespace vireo::loaders;
using namespace vireo::loaders::test;
namespace x86 = vireo::x86;

namespace {
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kInfo = kBootInfoAddr;
}  // namespace

TEST_CASE("multiboot: an a.out-kludge image is loaded by its address fields, bss zeroed") {
  TempDir dir;
  const std::vector<uint8_t> file = MakeMultibootAout(0x100000, 0x3000, {0xF4});
  const std::string path = dir.Write("kernel.mb", file);
  Guest g(64 * kMiB);
  g.Fill(0x102000, 0x3000, 0xAA);
  LoadedKernel k = g.Load({path, "", ""});
  CHECK(k.format == KernelFormat::kMultiboot);
  CHECK(k.entry == 0x100100);
  CHECK(k.kernel_start == 0x100000);
  CHECK(k.kernel_end == 0x105000);
  CHECK(g.Bytes(0x100000, file.size()) == file);
  CHECK(g.Bytes(0x102000, 0x3000) == std::vector<uint8_t>(0x3000, 0));
}

TEST_CASE("multiboot: the machine state of spec 3.2 and the info structure of 3.3") {
  TempDir dir;
  const std::string path = dir.Write("kernel.mb", MakeMultibootAout(0x100000, 0x1000, {0xF4}));
  const std::vector<uint8_t> module = {'m', 'o', 'd', '!', 0, 1, 2};
  const std::string initrd = dir.Write("mod.bin", module);
  Guest g(64 * kMiB);
  g.memory.SetA20(false);
  LoadedKernel k = g.Load({path, initrd, "arg1 arg2=3"});

  const x86::CpuState& s = g.state();
  CHECK(s.gpr[x86::kRax] == 0x2BADB002);
  CHECK(s.gpr[x86::kRbx] == kInfo);
  CHECK(s.rip == 0x100100);
  CHECK((s.cr0 & 1) == 1);           // PE
  CHECK((s.cr0 & 0x80000000) == 0);  // PG off
  CHECK(s.efer == 0);
  CHECK(s.rflags == 2);  // IF = 0, VM = 0
  CHECK(s.seg[x86::kCs].base == 0);
  CHECK(s.seg[x86::kCs].limit == 0xFFFFFFFF);
  CHECK(s.seg[x86::kCs].attrs == 0xC09B);  // 32-bit code, execute/read
  for (int r : {x86::kDs, x86::kEs, x86::kFs, x86::kGs, x86::kSs}) {
    CHECK(s.seg[r].base == 0);
    CHECK(s.seg[r].limit == 0xFFFFFFFF);
    CHECK(s.seg[r].attrs == 0xC093);
  }
  CHECK(g.memory.a20());
  CHECK(s.gdtr.base == 0x500);
  CHECK(g.U64(0x510) == kBootCs32);

  CHECK(g.U32(kInfo + 0) == ((1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9)));
  CHECK(g.U32(kInfo + 4) == 639);                        // mem_lower, KiB
  CHECK(g.U32(kInfo + 8) == (64 * kMiB - kMiB) / 1024);  // mem_upper, KiB from 1 MiB
  CHECK(g.String(g.U32(kInfo + 16)) == path + " arg1 arg2=3");
  CHECK(g.U32(kInfo + 20) == 1);  // mods_count
  const uint32_t mods = g.U32(kInfo + 24);
  CHECK(g.U32(mods) == 0x103000);  // page-aligned after bss_end (0x103000)
  CHECK(g.U32(mods + 4) == 0x103000 + module.size());
  CHECK(g.String(g.U32(mods + 8)) == initrd);
  CHECK(g.Bytes(0x103000, module.size()) == module);
  CHECK(k.initrd_addr == 0x103000);
  CHECK(g.String(g.U32(kInfo + 64)) == "Vireo");

  REQUIRE(g.U32(kInfo + 44) == 3 * 24);  // mmap_length
  const uint32_t mmap = g.U32(kInfo + 48);
  auto entry = [&](int i) {
    const uint64_t e = mmap + 24 * i;
    return std::tuple{g.U32(e), g.U64(e + 4), g.U64(e + 12), g.U32(e + 20)};
  };
  CHECK(entry(0) == std::tuple{20u, uint64_t{0}, uint64_t{0x9FC00}, 1u});
  CHECK(entry(1) == std::tuple{20u, uint64_t{0x9FC00}, uint64_t{0x60400}, 2u});
  CHECK(entry(2) == std::tuple{20u, uint64_t{0x100000}, 63 * kMiB, 1u});
}

TEST_CASE("multiboot: the kernel runs at entry_addr with EBX pointing at the info") {
  TempDir dir;
  // mov ecx,[ebx+4] (mem_lower); mov edx,[ebx+20] (mods_count); hlt
  const std::string path =
      dir.Write("k", MakeMultibootAout(0x200000, 0, {0x8B, 0x4B, 0x04, 0x8B, 0x53, 0x14, 0xF4}));
  Guest g(16 * kMiB);
  g.Load({path, "", ""});
  REQUIRE(RunToHalt(g) == x86::StopReason::kHalted);
  CHECK(g.state().gpr[x86::kRcx] == 639);
  CHECK(g.state().gpr[x86::kRdx] == 0);
  CHECK(g.state().gpr[x86::kRax] == 0x2BADB002);
}

TEST_CASE("multiboot: without address fields the image is loaded as ELF32") {
  TempDir dir;
  std::vector<uint8_t> text(0x100, 0x90);
  PutMultibootHeader(text, 0, 0x3);  // page-align + memory info, no address fields
  text[0x40] = 0xF4;
  const std::string path = dir.Write(
      "k.elf", MakeElf(false, kEm386, 0xC0100040, {{0xC0100000, 0x100000, text, 0x2000}}));
  Guest g(16 * kMiB);
  LoadedKernel k = g.Load({path, "", "x"});
  CHECK(k.format == KernelFormat::kMultiboot);
  CHECK(k.entry == 0x100040);
  CHECK(k.kernel_end == 0x102000);
  CHECK(g.state().gpr[x86::kRax] == 0x2BADB002);
  REQUIRE(RunToHalt(g) == x86::StopReason::kHalted);
}

TEST_CASE("multiboot: refusals") {
  TempDir dir;
  Guest g(16 * kMiB);
  auto load_error = [&](const std::vector<uint8_t>& file, const std::string& initrd = "") {
    const std::string path = dir.Write("k", file);
    return ErrorOf([&] { g.Load({path, initrd, ""}); });
  };
  SUBCASE("an ELF64 multiboot kernel") {
    std::vector<uint8_t> text(0x100, 0);
    PutMultibootHeader(text, 0, 0);
    CHECK(load_error(MakeElf(true, kEmX8664, 0x100000, {{0x100000, 0x100000, text, 0x100}}))
              .find("multiboot kernels must be 32-bit ELF") != std::string::npos);
  }
  SUBCASE("no address fields and not ELF") {
    std::vector<uint8_t> f(0x1000, 0);
    PutMultibootHeader(f, 0x20, 0);
    CHECK(load_error(f).find("has no address fields (flags bit 16) and the file is not ELF") !=
          std::string::npos);
  }
  SUBCASE("a requirement flag the loader does not know") {
    CHECK(load_error(MakeMultibootAout(0x100000, 0, {0xF4}, 0x10000 | (1 << 3)))
              .find("requires features this loader lacks (flags 0x8)") != std::string::npos);
  }
  SUBCASE("a bad checksum is no header at all") {
    std::vector<uint8_t> f = MakeMultibootAout(0x100000, 0, {0xF4});
    f[0x48] ^= 1;
    CHECK(load_error(f) == "'" + dir.Path("k") + "': not a Linux bzImage, ELF or multiboot kernel");
  }
  SUBCASE("a header past the first 8 KiB is not searched for") {
    std::vector<uint8_t> f(0x3000, 0);
    PutMultibootHeader(f, 0x2000, 0x10000);
    CHECK(load_error(f).find("not a Linux bzImage, ELF or multiboot kernel") != std::string::npos);
  }
  SUBCASE("load_addr above header_addr") {
    std::vector<uint8_t> f = MakeMultibootAout(0x100000, 0, {0xF4});
    Put32(f, 0x50, 0x100100);
    CHECK(load_error(f).find("multiboot load_addr 0x100100 does not fit") != std::string::npos);
  }
  SUBCASE("load_end_addr beyond the file") {
    std::vector<uint8_t> f = MakeMultibootAout(0x100000, 0, {0xF4});
    Put32(f, 0x54, 0x110000);
    CHECK(load_error(f).find("multiboot image is truncated") != std::string::npos);
  }
  SUBCASE("entry outside the image") {
    std::vector<uint8_t> f = MakeMultibootAout(0x100000, 0, {0xF4});
    Put32(f, 0x5C, 0x900000);
    CHECK(load_error(f).find("entry_addr 0x900000 is outside") != std::string::npos);
  }
  SUBCASE("a kernel bigger than RAM") {
    std::vector<uint8_t> f = MakeMultibootAout(0x100000, 0, {0xF4});
    Put32(f, 0x58, 0x2000000);  // bss to 32 MiB
    CHECK(load_error(f).find("kernel needs 32 MiB of RAM, the guest has 16 MiB (use -m)") !=
          std::string::npos);
  }
  SUBCASE("a module that does not fit above the kernel") {
    const std::string big = dir.Write("big", std::vector<uint8_t>(15 * kMiB, 1));
    CHECK(load_error(MakeMultibootAout(0x100000, 0, {0xF4}), big)
              .find("multiboot module is 15 MiB but only 14 MiB of RAM is free") !=
          std::string::npos);
  }
}
