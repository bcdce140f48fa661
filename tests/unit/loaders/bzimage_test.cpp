// bzImage loading (Documentation/arch/x86/boot.rst): placement, the zero page, the command line,
// the initrd, the CPU state at the 64- and 32-bit entry points, and every refusal.

#include <doctest/doctest.h>

#include <filesystem>

#include "machine/loaders/boot_layout.h"
#include "machine/loaders/boot_params.h"
#include "machine/loaders/cpu_entry.h"
#include "tests/unit/loaders/loader_fixture.h"

using namespace vireo::loaders;
using namespace vireo::loaders::test;
namespace x86 = vireo::x86;

namespace {
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kZp = kBootInfoAddr;

std::vector<uint8_t> Pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}
}  // namespace

TEST_CASE("bzImage: the protected-mode kernel lands at pref_address and the header is copied") {
  TempDir dir;
  BzImageSpec spec;
  spec.payload = Pattern(0x3000, 1);
  const std::string path = dir.Write("bzImage", MakeBzImage(spec));
  Guest g(64 * kMiB);
  LoadedKernel k = g.Load({path, "", "console=ttyS0 quiet"});

  CHECK(k.format == KernelFormat::kBzImage);
  CHECK(k.protocol == 0x020F);
  CHECK(k.long_mode);
  CHECK(k.kernel_start == 0x1000000);
  CHECK(k.kernel_end == 0x1000000 + 0x400000);  // init_size
  CHECK(k.entry == 0x1000200);
  CHECK(k.boot_info == 0x7000);
  CHECK(g.Bytes(0x1000000, spec.payload.size()) == spec.payload);

  // Setup header copied from 0x1F1 to 0x202 + byte[0x201] (0x26C here), nothing after it.
  CHECK(g.U8(kZp + bp::kSetupSects) == 4);
  CHECK(g.U16(kZp + bp::kBootFlag) == 0xAA55);
  CHECK(g.U32(kZp + bp::kHeaderMagic) == 0x53726448);
  CHECK(g.U16(kZp + bp::kVersion) == 0x020F);
  CHECK(g.U8(kZp + 0x235) == 21);       // min_alignment
  CHECK(g.U32(kZp + 0x248) == 0x3A5);   // payload_offset
  CHECK(g.U32(kZp + 0x264) == 0xABCD);  // handover_offset
  CHECK(g.U32(kZp + 0x270) == 0);       // past the header: not copied
  CHECK(g.U64(kZp + bp::kPrefAddress) == 0x1000000);
  CHECK(g.U32(kZp + bp::kInitSize) == 0x400000);
  CHECK(g.U16(kZp + bp::kXLoadFlags) == 1);
  CHECK(g.U32(kZp + bp::kCmdlineSize) == 2047);

  // The loader's own fields.
  CHECK(g.U16(kZp + bp::kVidMode) == 0xFFFF);
  CHECK(g.U8(kZp + bp::kTypeOfLoader) == 0xFF);
  CHECK(g.U8(kZp + bp::kLoadFlags) == (0x01 | 0x80));  // LOADED_HIGH kept, CAN_USE_HEAP added
  CHECK(g.U16(kZp + bp::kHeapEndPtr) == 0xFE00);
  CHECK(g.U32(kZp + bp::kCmdLinePtr) == 0x20000);
  CHECK(g.U32(kZp + bp::kExtCmdLinePtr) == 0);
  CHECK(g.U32(kZp + bp::kCode32Start) == 0x1000000);
  CHECK(g.String(0x20000) == "console=ttyS0 quiet");
  CHECK(g.U32(kZp + bp::kRamdiskImage) == 0);
  CHECK(g.U32(kZp + bp::kRamdiskSize) == 0);
  CHECK(k.initrd_size == 0);
}

TEST_CASE("bzImage: the zero page's e820 table describes the pc board's RAM") {
  TempDir dir;
  const std::string path = dir.Write("bzImage", MakeBzImage({}));
  Guest g(64 * kMiB);
  g.Load({path, "", ""});
  REQUIRE(g.U8(kZp + bp::kE820Entries) == 3);
  auto entry = [&](int i) {
    const uint64_t at = kZp + bp::kE820Table + 20 * i;
    return std::tuple{g.U64(at), g.U64(at + 8), g.U32(at + 16)};
  };
  CHECK(entry(0) == std::tuple{uint64_t{0}, uint64_t{0x9FC00}, 1u});
  CHECK(entry(1) == std::tuple{uint64_t{0x9FC00}, uint64_t{0x100000 - 0x9FC00}, 2u});
  CHECK(entry(2) == std::tuple{uint64_t{0x100000}, 64 * kMiB - 0x100000, 1u});
  CHECK(entry(3) == std::tuple{uint64_t{0}, uint64_t{0}, 0u});
  CHECK(g.String(0x20000).empty());  // no -append: an empty string, cmd_line_ptr still set
  CHECK(g.U32(kZp + bp::kCmdLinePtr) == 0x20000);
}

TEST_CASE("bzImage: the vCPU waits at startup_64 in long mode as the 64-bit boot protocol says") {
  TempDir dir;
  const std::string path = dir.Write("bzImage", MakeBzImage({}));
  Guest g(64 * kMiB);
  g.Load({path, "", ""});
  const x86::CpuState& s = g.state();
  CHECK(s.rip == 0x1000200);
  CHECK(s.gpr[x86::kRsi] == 0x7000);
  CHECK(s.gpr[x86::kRsp] == 0x7000);
  CHECK(s.gpr[x86::kRax] == 0);
  CHECK(s.gpr[x86::kRdx] == 0);  // the reset signature is gone
  CHECK(s.rflags == 0x2);        // IF = 0
  CHECK(s.cr0 == 0x80000011);    // PG | ET | PE
  CHECK(s.cr4 == 0x20);          // PAE
  CHECK(s.cr3 == 0x9000);
  CHECK((s.efer & 0x500) == 0x500);  // LME | LMA
  CHECK(s.cpl == 0);
  CHECK(s.seg[x86::kCs].selector == 0x10);
  CHECK(s.seg[x86::kCs].base == 0);
  CHECK(s.seg[x86::kCs].limit == 0xFFFFFFFF);
  CHECK(s.seg[x86::kCs].attrs == 0xA09B);  // G | L | P | S | code exec/read accessed
  for (int r : {x86::kDs, x86::kEs, x86::kSs, x86::kFs, x86::kGs}) {
    CHECK(s.seg[r].selector == 0x18);
    CHECK(s.seg[r].limit == 0xFFFFFFFF);
    CHECK(s.seg[r].attrs == 0xC093);  // G | B | P | S | data read/write accessed
  }
  CHECK(s.gdtr.base == 0x500);
  CHECK(s.gdtr.limit == 0x1F);
  CHECK(s.idtr.limit == 0);
  CHECK(g.U64(0x500) == 0);
  CHECK(g.U64(0x508) == 0);
  CHECK(g.U64(0x510) == 0x00AF9B000000FFFF);  // __BOOT_CS
  CHECK(g.U64(0x518) == 0x00CF93000000FFFF);  // __BOOT_DS
  // Identity map of [0, 4 GiB) with 2 MiB pages: PML4 -> PDPT -> 4 PDs.
  CHECK(g.U64(0x9000) == (0xA000 | 3));
  CHECK(g.U64(0xA000 + 8 * 3) == (0xE000 | 3));
  CHECK(g.U64(0xB000) == (0 | 0x83));
  CHECK(g.U64(0xE000 + 8 * 511) == (0xFFE00000 | 0x83));
}

TEST_CASE("bzImage: the entry state runs: boot_params, the initrd and the stack are reachable") {
  TempDir dir;
  BzImageSpec spec;
  // At load + 0x200: mov eax,[rsi+0x228]; mov ebx,[rsi+0x218]; mov ecx,[rbx]; push rax;
  // pop rdi; hlt (the stack below the zero page works too)
  const std::vector<uint8_t> code = {0x8B, 0x86, 0x28, 0x02, 0x00, 0x00, 0x8B, 0x9E, 0x18,
                                     0x02, 0x00, 0x00, 0x8B, 0x0B, 0x50, 0x5F, 0xF4};
  std::copy(code.begin(), code.end(), spec.payload.begin() + 0x200);
  const std::string path = dir.Write("bzImage", MakeBzImage(spec));
  const std::string initrd = dir.Write("initrd", {0x11, 0x22, 0x33, 0x44, 0x55});
  Guest g(64 * kMiB);
  LoadedKernel k = g.Load({path, initrd, ""});
  REQUIRE(RunToHalt(g) == x86::StopReason::kHalted);
  const x86::CpuState& s = g.state();
  CHECK(s.gpr[x86::kRax] == 0x20000);
  CHECK(s.gpr[x86::kRbx] == k.initrd_addr);
  CHECK(s.gpr[x86::kRcx] == 0x44332211);
  CHECK(s.gpr[x86::kRdi] == 0x20000);
  CHECK(s.gpr[x86::kRsp] == 0x7000);
}

TEST_CASE("bzImage: the initrd goes page-aligned to the top of RAM, above init_size") {
  TempDir dir;
  const std::string path = dir.Write("bzImage", MakeBzImage({}));
  const std::vector<uint8_t> data = Pattern(10000, 5);
  const std::string initrd = dir.Write("initrd.img", data);
  Guest g(64 * kMiB);
  LoadedKernel k = g.Load({path, initrd, ""});
  const uint64_t expect = (64 * kMiB - 10000) & ~uint64_t{0xFFF};
  CHECK(k.initrd_addr == expect);
  CHECK(k.initrd_size == 10000);
  CHECK(k.initrd_addr % 4096 == 0);
  CHECK(k.initrd_addr >= k.kernel_end);
  CHECK(g.U32(kZp + bp::kRamdiskImage) == expect);
  CHECK(g.U32(kZp + bp::kRamdiskSize) == 10000);
  CHECK(g.U32(kZp + bp::kExtRamdiskImage) == 0);
  CHECK(g.U32(kZp + bp::kExtRamdiskSize) == 0);
  CHECK(g.Bytes(expect, data.size()) == data);
}

TEST_CASE("bzImage: initrd_addr_max caps the initrd even when RAM goes higher") {
  TempDir dir;
  BzImageSpec spec;
  spec.initrd_addr_max = 0x2FFFFFF;  // last byte the initrd may occupy: 48 MiB - 1
  const std::string path = dir.Write("bzImage", MakeBzImage(spec));
  const std::string initrd = dir.Write("initrd", Pattern(0x1800, 9));
  Guest g(256 * kMiB);
  LoadedKernel k = g.Load({path, initrd, ""});
  CHECK(k.initrd_addr == 0x3000000 - 0x2000);
  CHECK(k.initrd_addr + k.initrd_size <= 0x3000000);
}

TEST_CASE("bzImage: with RAM above 4 GiB the e820 map has it and the initrd stays below 2 GiB") {
  TempDir dir;
  const std::string path = dir.Write("bzImage", MakeBzImage({}));
  const std::string initrd = dir.Write("initrd", Pattern(0x3000, 3));
  Guest g(4608 * kMiB);  // 3.5 GiB below the PCI hole + 1 GiB from 4 GiB (lazily allocated)
  LoadedKernel k = g.Load({path, initrd, ""});
  CHECK(k.initrd_addr == 0x80000000 - 0x3000);  // initrd_addr_max 0x7FFFFFFF
  REQUIRE(g.U8(kZp + bp::kE820Entries) == 4);
  CHECK(g.U64(kZp + bp::kE820Table + 40 + 8) == 0xE0000000 - 0x100000);
  CHECK(g.U64(kZp + bp::kE820Table + 60) == 0x100000000);
  CHECK(g.U64(kZp + bp::kE820Table + 68) == 1024 * kMiB);
  CHECK(g.U32(kZp + bp::kE820Table + 76) == 1);
}

TEST_CASE("bzImage: an initrd that does not fit between the kernel and the limit is refused") {
  TempDir dir;
  const std::string path = dir.Write("bzImage", MakeBzImage({}));
  const std::string initrd = dir.Path("big.img");
  dir.Write("big.img", {});
  std::filesystem::resize_file(initrd, 50 * kMiB);  // sparse
  Guest g(64 * kMiB);
  const std::string msg = ErrorOf([&] { g.Load({path, initrd, ""}); });
  CHECK(msg.find("'" + initrd + "': initrd is 50 MiB but only 44 MiB") == 0);
  CHECK(msg.find("-m") != std::string::npos);
}

TEST_CASE("bzImage: the command line may be cmdline_size bytes long, not one more") {
  TempDir dir;
  BzImageSpec spec;
  spec.cmdline_size = 16;
  const std::string path = dir.Write("bzImage", MakeBzImage(spec));
  Guest g(64 * kMiB);
  g.Load({path, "", std::string(16, 'x')});
  CHECK(g.String(0x20000) == std::string(16, 'x'));
  CHECK(ErrorOf([&] {
          g.Load({path, "", std::string(17, 'x')});
        }) == "-append: the command line is 17 bytes, the kernel accepts at most 16");
}

TEST_CASE("bzImage: a kernel whose init_size does not fit in RAM names what it needs") {
  TempDir dir;
  BzImageSpec spec;
  spec.init_size = 0x8000000;  // 128 MiB from 16 MiB
  const std::string path = dir.Write("bzImage", MakeBzImage(spec));
  Guest g(64 * kMiB);
  CHECK(ErrorOf([&] {
          g.Load({path, "", ""});
        }) == "'" + path + "': kernel needs 144 MiB of RAM, the guest has 64 MiB (use -m)");
}

TEST_CASE("bzImage: without XLF_KERNEL_64 the 32-bit boot protocol is used") {
  TempDir dir;
  BzImageSpec spec;
  spec.xloadflags = 0;
  // At the load address: mov eax,[esi+0x228]; hlt
  const std::vector<uint8_t> code = {0x8B, 0x86, 0x28, 0x02, 0x00, 0x00, 0xF4};
  std::copy(code.begin(), code.end(), spec.payload.begin());
  const std::string path = dir.Write("bzImage", MakeBzImage(spec));
  Guest g(64 * kMiB);
  LoadedKernel k = g.Load({path, "", "a"});
  CHECK_FALSE(k.long_mode);
  const x86::CpuState& s = g.state();
  CHECK(s.rip == 0x1000000);
  CHECK(s.gpr[x86::kRsi] == 0x7000);
  CHECK(s.gpr[x86::kRbx] == 0);
  CHECK(s.gpr[x86::kRbp] == 0);
  CHECK(s.gpr[x86::kRdi] == 0);
  CHECK(s.cr0 == 0x11);  // PE | ET, paging off
  CHECK(s.efer == 0);
  CHECK(s.rflags == 0x2);
  CHECK(s.seg[x86::kCs].attrs == 0xC09B);
  CHECK(s.seg[x86::kCs].selector == 0x10);
  CHECK(s.seg[x86::kSs].attrs == 0xC093);
  CHECK(g.U64(0x510) == 0x00CF9B000000FFFF);
  REQUIRE(RunToHalt(g) == x86::StopReason::kHalted);
  CHECK(s.gpr[x86::kRax] == 0x20000);
}

TEST_CASE("bzImage: protocol 2.09 (no pref_address) loads at 1 MiB; setup_sects 0 means 4") {
  TempDir dir;
  BzImageSpec spec;
  spec.version = 0x0209;
  spec.setup_sects = 0;
  spec.payload = Pattern(0x2000, 77);
  std::vector<uint8_t> file = MakeBzImage(spec);
  Guest g(64 * kMiB);
  LoadedKernel k = g.Load({dir.Write("old", file), "", ""});
  CHECK_FALSE(k.long_mode);  // xloadflags is 2.12+
  CHECK(k.kernel_start == 0x100000);
  CHECK(k.kernel_end == 0x100000 + 0x2000);
  CHECK(g.Bytes(0x100000, 0x2000) == spec.payload);
  CHECK(g.state().rip == 0x100000);
}

TEST_CASE("bzImage: a header longer than the zero page's slot is clipped at 0x290") {
  TempDir dir;
  BzImageSpec spec;
  spec.header_jump = 0xFF;  // claims the header runs to 0x301
  std::vector<uint8_t> file = MakeBzImage(spec);
  Put32(file, 0x28C, 0x12345678);
  Put32(file, 0x290, 0x9ABCDEF0);  // edd_mbr_sig_buffer: must stay the loader's (zero)
  Guest g(64 * kMiB);
  g.Load({dir.Write("k", file), "", ""});
  CHECK(g.U32(kZp + 0x28C) == 0x12345678);
  CHECK(g.U32(kZp + 0x290) == 0);
}

TEST_CASE("bzImage: refusals name the file and the reason") {
  TempDir dir;
  Guest g(64 * kMiB);
  SUBCASE("protocol older than 2.06") {
    BzImageSpec spec;
    spec.version = 0x0205;
    const std::string path = dir.Write("k", MakeBzImage(spec));
    CHECK(
        ErrorOf([&] {
          g.Load({path, "", ""});
        }) ==
        "'" + path +
            "': Linux boot protocol 2.05 is too old (needs 2.06 or later: Linux 2.6.22 or newer)");
  }
  SUBCASE("zImage (no LOADED_HIGH)") {
    BzImageSpec spec;
    spec.loadflags = 0;
    const std::string path = dir.Write("k", MakeBzImage(spec));
    CHECK(ErrorOf([&] { g.Load({path, "", ""}); }).find("zImage kernels") != std::string::npos);
  }
  SUBCASE("setup sectors beyond the end of the file") {
    BzImageSpec spec;
    spec.setup_sects = 30;
    std::vector<uint8_t> file = MakeBzImage(spec);
    file.resize(0x1000);
    const std::string path = dir.Write("k", file);
    CHECK(ErrorOf([&] {
            g.Load({path, "", ""});
          }) == "'" + path +
                    "': bzImage is truncated: its setup code needs 15872 bytes, the file has 4096");
  }
  SUBCASE("a pref_address beyond RAM or wrapping around") {
    BzImageSpec spec;
    spec.pref_address = 0x100000000;
    std::string path = dir.Write("k", MakeBzImage(spec));
    CHECK(ErrorOf([&] {
            g.Load({path, "", ""});
          }) == "'" + path + "': kernel needs 4100 MiB of RAM, the guest has 64 MiB (use -m)");
    spec.pref_address = 0xFFFFFFFFFFFFF000;
    path = dir.Write("k2", MakeBzImage(spec));
    CHECK(ErrorOf([&] { g.Load({path, "", ""}); }).find("wraps around") != std::string::npos);
  }
  SUBCASE("missing initrd") {
    const std::string path = dir.Write("k", MakeBzImage({}));
    const std::string initrd = dir.Path("nope.img");
    CHECK(ErrorOf([&] {
            g.Load({path, initrd, ""});
          }) == "'" + initrd + "': cannot open initrd: No such file or directory");
  }
}
