// Shared pieces of the loader tests: a temporary folder for image files, a guest (RAM laid out
// as the pc board does + one vCPU), and builders for minimal bzImage, ELF and multiboot files
// that carry exactly the header fields the loaders read.
#pragma once

#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cpu/x86/cpu.h"
#include "machine/address_space.h"
#include "machine/boards/pc.h"
#include "machine/error.h"
#include "machine/guest_ram.h"
#include "machine/loaders/bytes.h"
#include "machine/loaders/kernel_loader.h"

namespace vireo::loaders::test {

/// A fresh folder under $TMPDIR (or /tmp), removed with its files at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string base = std::filesystem::temp_directory_path() / "vireo-loaders-XXXXXX";
    std::vector<char> name(base.begin(), base.end());
    name.push_back('\0');
    REQUIRE(mkdtemp(name.data()) != nullptr);
    path_ = name.data();
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  /// Writes `bytes` to a file `name` in the folder and returns its path.
  std::string Write(const std::string& name, const std::vector<uint8_t>& bytes) const {
    std::string p = path_ + "/" + name;
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
    return p;
  }
  std::string Path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// RAM as PcMachine::BuildMemory lays it out, plus one vCPU in its reset state.
struct Guest {
  machine::PcLayout layout;
  machine::GuestRam ram;
  machine::AddressSpace memory;
  x86::Cpu cpu{memory};

  explicit Guest(uint64_t ram_bytes) : layout(machine::PcLayout::For(ram_bytes)), ram(ram_bytes) {
    memory.AddRam(0, layout.low_ram, ram.data(), "ram-below-4g");
    if (layout.high_ram != 0)
      memory.AddRam(machine::PcLayout::kHighRamBase, layout.high_ram, ram.data() + layout.low_ram,
                    "ram-above-4g");
  }
  LoadedKernel Load(const KernelBootSpec& spec) { return LoadKernel(spec, layout, cpu); }

  std::vector<uint8_t> Bytes(uint64_t gpa, size_t n) {
    std::vector<uint8_t> out(n);
    memory.Read(gpa, out);
    return out;
  }
  uint64_t Get(uint64_t gpa, size_t width) {
    auto b = Bytes(gpa, width);
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v |= uint64_t{b[i]} << (8 * i);
    return v;
  }
  uint8_t U8(uint64_t gpa) { return static_cast<uint8_t>(Get(gpa, 1)); }
  uint16_t U16(uint64_t gpa) { return static_cast<uint16_t>(Get(gpa, 2)); }
  uint32_t U32(uint64_t gpa) { return static_cast<uint32_t>(Get(gpa, 4)); }
  uint64_t U64(uint64_t gpa) { return Get(gpa, 8); }
  /// The NUL-terminated string at `gpa` (at most 64 KiB).
  std::string String(uint64_t gpa) {
    std::string s;
    for (uint64_t a = gpa; a < gpa + 0x10000; ++a) {
      uint8_t c = U8(a);
      if (c == 0) break;
      s.push_back(static_cast<char>(c));
    }
    return s;
  }
  /// Fills [gpa, gpa+n) with `byte` (to see what the loader zeroes).
  void Fill(uint64_t gpa, size_t n, uint8_t byte) {
    std::vector<uint8_t> b(n, byte);
    memory.Write(gpa, b);
  }
  x86::CpuState& state() { return cpu.state(); }
};

/// A bzImage with the boot.rst setup header fields a loader reads.
struct BzImageSpec {
  uint16_t version = 0x020F;
  uint8_t setup_sects = 4;
  uint8_t header_jump = 0x6A;  ///< byte 0x201: the header ends at 0x202 + this
  uint8_t loadflags = 0x01;    ///< LOADED_HIGH
  uint16_t xloadflags = 0x01;  ///< XLF_KERNEL_64
  uint64_t pref_address = 0x1000000;
  uint32_t init_size = 0x400000;
  uint32_t initrd_addr_max = 0x7FFFFFFF;
  uint32_t cmdline_size = 2047;
  uint32_t kernel_alignment = 0x200000;
  std::vector<uint8_t> payload = std::vector<uint8_t>(0x3000, 0xCC);
};

inline std::vector<uint8_t> MakeBzImage(const BzImageSpec& s) {
  const size_t setup = (size_t{s.setup_sects == 0 ? 4u : s.setup_sects} + 1) * 512;
  std::vector<uint8_t> f(setup, 0);
  f.insert(f.end(), s.payload.begin(), s.payload.end());
  std::span<uint8_t> b(f);
  Put8(b, 0x1F1, s.setup_sects);
  Put32(b, 0x1F4, static_cast<uint32_t>(s.payload.size() / 16));  // syssize
  Put16(b, 0x1FA, 0x1234);                                        // vid_mode (overwritten)
  Put16(b, 0x1FE, 0xAA55);
  Put8(b, 0x200, 0xEB);
  Put8(b, 0x201, s.header_jump);
  Put32(b, 0x202, 0x53726448);
  Put16(b, 0x206, s.version);
  Put8(b, 0x211, s.loadflags);
  Put32(b, 0x214, 0x100000);  // code32_start
  Put32(b, 0x22C, s.initrd_addr_max);
  Put32(b, 0x230, s.kernel_alignment);
  Put8(b, 0x234, 1);   // relocatable_kernel
  Put8(b, 0x235, 21);  // min_alignment (copied through untouched)
  Put16(b, 0x236, s.xloadflags);
  Put32(b, 0x238, s.cmdline_size);
  Put32(b, 0x248, 0x3A5);   // payload_offset (copied through untouched)
  Put32(b, 0x24C, 0x1234);  // payload_length
  Put64(b, 0x258, s.pref_address);
  Put32(b, 0x260, s.init_size);
  Put32(b, 0x264, 0xABCD);      // handover_offset: last field before 0x268
  Put32(b, 0x270, 0xDEADBEEF);  // beyond the header (0x26C): must not be copied
  return f;
}

/// One PT_LOAD segment of a test ELF file.
struct TestSegment {
  uint64_t vaddr, paddr;
  std::vector<uint8_t> data;
  uint64_t memsz;  ///< >= data.size(); the rest is bss
};

/// An ET_EXEC ELF file (class 64 or 32) whose segments' data start at 4 KiB-aligned offsets.
inline std::vector<uint8_t> MakeElf(bool is64, uint16_t machine, uint64_t entry,
                                    const std::vector<TestSegment>& segments, uint16_t type = 2) {
  const size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32;
  std::vector<uint8_t> f(0x1000, 0);
  std::vector<uint64_t> offsets;
  for (const TestSegment& s : segments) {
    offsets.push_back(f.size());
    f.insert(f.end(), s.data.begin(), s.data.end());
    f.resize(AlignUp(f.size(), 0x1000), 0);
  }
  std::span<uint8_t> b(f);
  b[0] = 0x7F, b[1] = 'E', b[2] = 'L', b[3] = 'F';
  b[4] = is64 ? 2 : 1;  // EI_CLASS
  b[5] = 1;             // EI_DATA: little-endian
  b[6] = 1;             // EI_VERSION
  Put16(b, 16, type);
  Put16(b, 18, machine);
  Put32(b, 20, 1);
  if (is64) {
    Put64(b, 24, entry);
    Put64(b, 32, eh);  // e_phoff
    Put16(b, 52, eh);
    Put16(b, 54, ph);
    Put16(b, 56, segments.size());
  } else {
    Put32(b, 24, entry);
    Put32(b, 28, eh);
    Put16(b, 40, eh);
    Put16(b, 42, ph);
    Put16(b, 44, segments.size());
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    const TestSegment& s = segments[i];
    const size_t p = eh + i * ph;
    Put32(b, p, 1);  // PT_LOAD
    if (is64) {
      Put32(b, p + 4, 7);
      Put64(b, p + 8, offsets[i]);
      Put64(b, p + 16, s.vaddr);
      Put64(b, p + 24, s.paddr);
      Put64(b, p + 32, s.data.size());
      Put64(b, p + 40, s.memsz);
    } else {
      Put32(b, p + 4, offsets[i]);
      Put32(b, p + 8, s.vaddr);
      Put32(b, p + 12, s.paddr);
      Put32(b, p + 16, s.data.size());
      Put32(b, p + 20, s.memsz);
      Put32(b, p + 24, 7);
    }
  }
  return f;
}

/// The 12-byte multiboot header (magic, flags, checksum) at `offset` of `b`.
inline void PutMultibootHeader(std::span<uint8_t> b, size_t offset, uint32_t flags) {
  Put32(b, offset, 0x1BADB002);
  Put32(b, offset + 4, flags);
  Put32(b, offset + 8, 0u - 0x1BADB002u - flags);
}

/// A multiboot "a.out kludge" image: the file is loaded whole at `load_addr`; the header (with
/// address fields) is at file offset 0x40; the entry at load_addr + 0x100 holds `code`.
inline std::vector<uint8_t> MakeMultibootAout(uint32_t load_addr, uint32_t bss_size,
                                              std::vector<uint8_t> code, uint32_t flags = 0x10003) {
  std::vector<uint8_t> f(0x2000, 0x90);
  std::copy(code.begin(), code.end(), f.begin() + 0x100);
  std::span<uint8_t> b(f);
  PutMultibootHeader(b, 0x40, flags);
  Put32(b, 0x4C, load_addr + 0x40);                              // header_addr
  Put32(b, 0x50, load_addr);                                     // load_addr
  Put32(b, 0x54, load_addr + 0x2000);                            // load_end_addr
  Put32(b, 0x58, bss_size ? load_addr + 0x2000 + bss_size : 0);  // bss_end_addr
  Put32(b, 0x5C, load_addr + 0x100);                             // entry_addr
  return f;
}

/// Runs the vCPU from its current state until HLT (or a limit) and reports why it stopped.
inline x86::StopReason RunToHalt(Guest& g, uint64_t max_insts = 1000) {
  const x86::StopReason why = g.cpu.Run(max_insts);
  if (why != x86::StopReason::kHalted) {
    MESSAGE("vCPU stopped (reason ", static_cast<int>(why), ") at rip ", Hex(g.state().rip),
            " with exception ", g.state().exception_vector);
  }
  return why;
}

/// The message of the vireo::Error `f` throws ("" if it does not throw).
template <class F>
std::string ErrorOf(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace vireo::loaders::test
