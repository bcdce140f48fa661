// ELF vmlinux loading: PT_LOAD segments at their physical addresses, bss zeroed, the entry point
// translated from a virtual link address, a minimal zero page, and the ELF refusals.

#include <doctest/doctest.h>

#include "machine/loaders/boot_layout.h"
#include "machine/loaders/boot_params.h"
#include "machine/loaders/elf.h"
#include "tests/unit/loaders/loader_fixture.h"

using namespace vireo::loaders;
using namespace vireo::loaders::test;
namespace x86 = vireo::x86;

namespace {
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kZp = kBootInfoAddr;
constexpr uint64_t kVirt = 0xFFFFFFFF81000000;  // Debian's __START_KERNEL_map + 16 MiB

std::vector<uint8_t> Bytes(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed ^ (i * 13));
  return v;
}

// Debian's layout in miniature: text at 16 MiB linked high, data with bss after it.
std::vector<TestSegment> KernelSegments() {
  return {{kVirt, 0x1000000, Bytes(0x1800, 1), 0x1800},
          {kVirt + 0x200000, 0x1200000, Bytes(0x800, 2), 0x3000}};
}
}  // namespace

TEST_CASE("vmlinux: segments go to p_paddr, bss is zeroed, startup_64 is entered with RSI") {
  TempDir dir;
  const auto segs = KernelSegments();
  const std::string path = dir.Write("vmlinux", MakeElf(true, kEmX8664, 0x1000000, segs));
  Guest g(64 * kMiB);
  g.Fill(0x1200000, 0x3000, 0xAA);
  LoadedKernel k = g.Load({path, "", "root=/dev/vda"});
  CHECK(k.format == KernelFormat::kElf);
  CHECK(k.long_mode);
  CHECK(k.entry == 0x1000000);
  CHECK(k.kernel_start == 0x1000000);
  CHECK(k.kernel_end == 0x1203000);
  CHECK(g.Bytes(0x1000000, 0x1800) == segs[0].data);
  CHECK(g.Bytes(0x1200000, 0x800) == segs[1].data);
  CHECK(g.Bytes(0x1200800, 0x2800) == std::vector<uint8_t>(0x2800, 0));

  const x86::CpuState& s = g.state();
  CHECK(s.rip == 0x1000000);
  CHECK(s.gpr[x86::kRsi] == 0x7000);
  CHECK(s.cr0 == 0x80000011);
  CHECK(s.seg[x86::kCs].attrs == 0xA09B);
  CHECK(s.rflags == 2);

  // Minimal setup header plus the same loader fields as for a bzImage.
  CHECK(g.U16(kZp + bp::kBootFlag) == 0xAA55);
  CHECK(g.U32(kZp + bp::kHeaderMagic) == 0x53726448);
  CHECK(g.U16(kZp + bp::kVersion) == 0x020F);
  CHECK(g.U8(kZp + bp::kTypeOfLoader) == 0xFF);
  CHECK(g.U8(kZp + bp::kLoadFlags) == 0x81);
  CHECK(g.U16(kZp + bp::kVidMode) == 0xFFFF);
  CHECK(g.U32(kZp + bp::kCmdlineSize) == 2047);
  CHECK(g.U32(kZp + bp::kInitrdAddrMax) == 0x7FFFFFFF);
  CHECK(g.U32(kZp + bp::kCmdLinePtr) == 0x20000);
  CHECK(g.String(0x20000) == "root=/dev/vda");
  CHECK(g.U8(kZp + bp::kE820Entries) == 3);
}

TEST_CASE("vmlinux: a virtual e_entry is translated through its segment") {
  TempDir dir;
  const std::string path =
      dir.Write("vmlinux", MakeElf(true, kEmX8664, kVirt + 0x40, KernelSegments()));
  Guest g(64 * kMiB);
  CHECK(g.Load({path, "", ""}).entry == 0x1000040);
  CHECK(g.state().rip == 0x1000040);
}

TEST_CASE("vmlinux: the initrd is placed above the image's end") {
  TempDir dir;
  const std::string path =
      dir.Write("vmlinux", MakeElf(true, kEmX8664, 0x1000000, KernelSegments()));
  const std::string initrd = dir.Write("initrd", Bytes(0x1234, 3));
  Guest g(32 * kMiB);
  LoadedKernel k = g.Load({path, initrd, ""});
  CHECK(k.initrd_addr == ((32 * kMiB - 0x1234) & ~uint64_t{0xFFF}));
  CHECK(g.U32(kZp + bp::kRamdiskImage) == k.initrd_addr);
  CHECK(g.U32(kZp + bp::kRamdiskSize) == 0x1234);
  // An initrd bigger than what lies between the image's end and the end of RAM is refused.
  const std::string big = dir.Write("big", Bytes(32 * kMiB - 0x1203000 + 1, 4));
  CHECK(ErrorOf([&] {
          g.Load({path, big, ""});
        }).find("initrd is 14 MiB but only 13 MiB") != std::string::npos);
}

TEST_CASE("vmlinux: the entry code runs with boot_params in RSI") {
  TempDir dir;
  // mov eax,[rsi+0x1E8] (e820_entries... as a dword); mov ecx,[rsi+0x202]; hlt
  std::vector<uint8_t> code = {0x8B, 0x86, 0xE8, 0x01, 0x00, 0x00, 0x8B,
                               0x8E, 0x02, 0x02, 0x00, 0x00, 0xF4};
  const std::string path =
      dir.Write("vmlinux", MakeElf(true, kEmX8664, kVirt, {{kVirt, 0x1000000, code, code.size()}}));
  Guest g(64 * kMiB);
  g.Load({path, "", ""});
  REQUIRE(RunToHalt(g) == x86::StopReason::kHalted);
  CHECK((g.state().gpr[x86::kRax] & 0xFF) == 3);
  CHECK(g.state().gpr[x86::kRcx] == 0x53726448);
}

TEST_CASE("vmlinux: an i386 ELF is entered through the 32-bit protocol") {
  TempDir dir;
  const std::string path = dir.Write(
      "vmlinux32", MakeElf(false, kEm386, 0x100000, {{0xC0100000, 0x100000, {0xF4}, 0x1000}}));
  Guest g(64 * kMiB);
  LoadedKernel k = g.Load({path, "", ""});
  CHECK_FALSE(k.long_mode);
  CHECK(g.state().rip == 0x100000);
  CHECK(g.state().gpr[x86::kRsi] == 0x7000);
  CHECK(g.state().cr0 == 0x11);
  CHECK(g.state().seg[x86::kCs].attrs == 0xC09B);
  CHECK(g.U32(kZp + bp::kInitrdAddrMax) == 0x37FFFFFF);
}

TEST_CASE("vmlinux: ELF refusals name the file and the problem") {
  TempDir dir;
  Guest g(64 * kMiB);
  auto load_error = [&](const std::vector<uint8_t>& file) {
    const std::string path = dir.Write("elf", file);
    std::string msg = ErrorOf([&] { g.Load({path, "", ""}); });
    CHECK(msg.find("'" + path + "': ") == 0);
    return msg;
  };
  const auto segs = KernelSegments();
  CHECK(load_error(MakeElf(true, kEmX8664, 0x1000000, segs, 3)).find("not an executable") !=
        std::string::npos);
  CHECK(load_error(MakeElf(true, 40, 0x1000000, segs)).find("ELF machine 40 in an ELF64 file") !=
        std::string::npos);
  CHECK(load_error(MakeElf(false, kEmX8664, 0x1000000, segs)).find("ELF machine 62 in an ELF32") !=
        std::string::npos);
  CHECK(load_error(MakeElf(true, kEmX8664, 0x1000000, {})).find("no loadable segments") !=
        std::string::npos);
  CHECK(load_error(MakeElf(true, kEmX8664, 0x5000000, segs)).find("outside every loadable") !=
        std::string::npos);
  CHECK(load_error(MakeElf(true, kEmX8664, 0x10000, {{0x10000, 0x10000, {0xF4}, 1}}))
            .find("below 0x30000") != std::string::npos);
  CHECK(load_error(MakeElf(true, kEmX8664, 0x1000000, {{0, 0x1000000, {0xF4}, 0x8000000}})) ==
        "'" + dir.Path("elf") + "': kernel needs 144 MiB of RAM, the guest has 64 MiB (use -m)");
  {
    std::vector<uint8_t> f = MakeElf(true, kEmX8664, 0x1000000, segs);
    f.resize(0x1400);  // cuts the first segment's data
    CHECK(load_error(f).find("ELF segment 0 is truncated") != std::string::npos);
  }
  {
    std::vector<uint8_t> f = MakeElf(true, kEmX8664, 0x1000000, {{0, 0x1000000, {1, 2, 3}, 1}});
    CHECK(load_error(f).find("p_filesz larger than p_memsz") != std::string::npos);
  }
  {
    std::vector<uint8_t> f = MakeElf(true, kEmX8664, 0x1000000, segs);
    f[5] = 2;  // big-endian
    CHECK(load_error(f).find("big-endian") != std::string::npos);
  }
  {
    std::vector<uint8_t> f = MakeElf(true, kEmX8664, 0x1000000, segs);
    Put16(f, 54, 40);  // e_phentsize
    CHECK(load_error(f).find("program header size 40") != std::string::npos);
  }
  {
    std::vector<uint8_t> f = MakeElf(true, kEmX8664, 0x1000000, segs);
    Put64(f, 32, 0x100000);  // e_phoff past the end
    CHECK(load_error(f).find("program headers are truncated") != std::string::npos);
  }
  CHECK(load_error({0x7F, 'E', 'L', 'F', 2, 1}).find("ELF header is truncated") !=
        std::string::npos);
}
