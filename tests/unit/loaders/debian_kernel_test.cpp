// The real guest kernel (Debian 12's bzImage, fetched by scripts/guest-images): the header
// fields the loader depends on, and where it puts the kernel and the initramfs. Skipped when the
// guest images have not been built.

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "machine/loaders/boot_layout.h"
#include "machine/loaders/boot_params.h"
#include "tests/unit/loaders/loader_fixture.h"

using namespace vireo::loaders;
using namespace vireo::loaders::test;
namespace x86 = vireo::x86;

namespace {
constexpr uint64_t kMiB = 1 << 20;
constexpr uint64_t kZp = kBootInfoAddr;

// The folder `scripts/guest-images --print-dir` names (same rule: VIREO_CACHE, XDG_CACHE_HOME,
// ~/.cache), computed here so the test does not depend on the working directory.
std::filesystem::path GuestDir() {
  if (const char* c = std::getenv("VIREO_CACHE"); c && *c)
    return std::filesystem::path(c) / "guest";
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x)
    return std::filesystem::path(x) / "vireo/guest";
  if (const char* h = std::getenv("HOME"); h && *h)
    return std::filesystem::path(h) / ".cache/vireo/guest";
  return {};
}

std::vector<uint8_t> ReadFile(const std::filesystem::path& p, size_t n) {
  std::ifstream in(p, std::ios::binary);
  std::vector<uint8_t> b(n);
  in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(n));
  b.resize(static_cast<size_t>(in.gcount()));
  return b;
}
}  // namespace

TEST_CASE("the Debian kernel loads at pref_address with its init_size honoured") {
  const std::filesystem::path dir = GuestDir();
  const std::filesystem::path vmlinuz = dir / "vmlinuz";
  if (dir.empty() || !std::filesystem::exists(vmlinuz)) {
    MESSAGE("skipped: no guest kernel at ", vmlinuz.string(), " (run scripts/guest-images)");
    return;
  }
  const std::filesystem::path initramfs = dir / "initramfs.cpio.gz";
  const bool have_initrd = std::filesystem::exists(initramfs);
  const std::vector<uint8_t> head = ReadFile(vmlinuz, 0x1000);
  REQUIRE(head.size() == 0x1000);

  Guest g(512 * kMiB);
  LoadedKernel k =
      g.Load({vmlinuz.string(), have_initrd ? initramfs.string() : "", "console=ttyS0 panic=-1"});
  CHECK(k.format == KernelFormat::kBzImage);
  CHECK(k.protocol == 0x020F);
  CHECK(k.long_mode);
  CHECK((g.U16(kZp + bp::kXLoadFlags) & 1) == 1);  // XLF_KERNEL_64
  CHECK(g.U64(kZp + bp::kPrefAddress) == 0x1000000);
  CHECK(g.U32(kZp + bp::kKernelAlignment) == 0x200000);
  CHECK(g.U32(kZp + bp::kCmdlineSize) == 2047);
  const uint32_t init_size = Get32(head, bp::kInitSize);
  CHECK(init_size == g.U32(kZp + bp::kInitSize));
  CHECK(init_size >= 32 * kMiB);
  CHECK(k.kernel_start == 0x1000000);
  CHECK(k.kernel_end == 0x1000000 + init_size);
  CHECK(k.entry == 0x1000200);
  CHECK(g.state().rip == 0x1000200);
  CHECK(g.state().gpr[x86::kRsi] == 0x7000);

  // The protected-mode kernel's first page is in RAM at 16 MiB.
  const unsigned setup_sects = head[0x1F1] == 0 ? 4 : head[0x1F1];
  std::ifstream in(vmlinuz, std::ios::binary);
  in.seekg((setup_sects + 1) * 512);
  std::vector<uint8_t> first(4096);
  in.read(reinterpret_cast<char*>(first.data()), 4096);
  CHECK(g.Bytes(0x1000000, 4096) == first);
  CHECK(g.String(0x20000) == "console=ttyS0 panic=-1");

  if (have_initrd) {
    const uint64_t size = std::filesystem::file_size(initramfs);
    CHECK(k.initrd_size == size);
    CHECK(k.initrd_addr % 4096 == 0);
    CHECK(k.initrd_addr >= 0x1000000 + init_size);
    CHECK(k.initrd_addr + size <= 512 * kMiB);
    CHECK(g.U32(kZp + bp::kRamdiskImage) == k.initrd_addr);
    CHECK(g.Bytes(k.initrd_addr, 2) == std::vector<uint8_t>{0x1F, 0x8B});  // gzip magic
  } else {
    MESSAGE("no initramfs at ", initramfs.string(), ": initrd placement not checked");
  }

  // 64 MiB is less than pref_address + init_size: the message says how much is needed.
  Guest small(64 * kMiB);
  const std::string msg = ErrorOf([&] { small.Load({vmlinuz.string(), "", ""}); });
  CHECK(msg == "'" + vmlinuz.string() + "': kernel needs " +
                   std::to_string(CeilMiB(0x1000000 + init_size)) +
                   " MiB of RAM, the guest has 64 MiB (use -m)");
}
