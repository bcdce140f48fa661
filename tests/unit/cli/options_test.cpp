#include "cli/options.h"

#include <doctest/doctest.h>

using vireo::cli::Action;
using vireo::cli::ParseCommandLine;
using vireo::cli::SplitKeyValues;
using vireo::cli::UsageError;

namespace {
vireo::cli::ParseResult Parse(std::vector<std::string> args) { return ParseCommandLine(args); }
}  // namespace

TEST_CASE("QEMU spellings fill the machine spec") {
  auto r = Parse({"-m",         "512",
                  "-smp",       "1",
                  "-kernel",    "vmlinuz",
                  "-initrd",    "initrd.gz",
                  "-append",    "console=ttyS0 quiet",
                  "-nographic", "-no-reboot",
                  "-S",         "-s",
                  "-device",    "isa-debug-exit,iobase=0xf4,iosize=0x04",
                  "-accel",     "tcg,tier=interp",
                  "-bios",      "bios.bin",
                  "--serial",   "file:/tmp/out.txt"});
  CHECK(r.action == Action::kRun);
  const auto& s = r.spec;
  CHECK(s.ram_bytes == (512ull << 20));
  CHECK(s.kernel == "vmlinuz");
  CHECK(s.initrd == "initrd.gz");
  CHECK(s.append == "console=ttyS0 quiet");
  CHECK(s.nographic);
  CHECK(s.display == "none");
  CHECK(s.no_reboot);
  CHECK(s.start_paused);
  CHECK(s.gdb == "tcp::1234");
  REQUIRE(s.debug_exits.size() == 1);
  CHECK(s.debug_exits[0].iobase == 0xF4);
  CHECK(s.debug_exits[0].iosize == 4);
  CHECK(s.accel == "dbt");
  CHECK(s.accel_props == std::vector<std::string>{"tier=interp"});
  CHECK(s.bios == "bios.bin");
  CHECK(s.serial == std::vector<std::string>{"file:/tmp/out.txt"});
}

TEST_CASE("sizes and defaults") {
  CHECK(Parse({}).spec.ram_bytes == (128ull << 20));
  CHECK(Parse({}).spec.EffectiveSerial() == std::vector<std::string>{"stdio"});
  CHECK(Parse({"-m", "2G"}).spec.ram_bytes == (2ull << 30));
  CHECK(Parse({"-m", "size=768M"}).spec.ram_bytes == (768ull << 20));
  CHECK(Parse({"-m", "65536K"}).spec.ram_bytes == (64ull << 20));
  CHECK(Parse({"-device", "isa-debug-exit"}).spec.debug_exits[0].iobase == 0x501);
  CHECK(Parse({"-smp", "cpus=2,sockets=1"}).spec.cpus == 2);
}

TEST_CASE("drives parse with QEMU keys and escaped commas") {
  auto r = Parse({"-drive", "file=a,,b.img,format=qcow2,if=virtio,readonly=on,snapshot=on"});
  REQUIRE(r.spec.drives.size() == 1);
  const auto& d = r.spec.drives[0];
  CHECK(d.file == "a,b.img");
  CHECK(d.format == "qcow2");
  CHECK(d.interface == "virtio");
  CHECK(d.read_only);
  CHECK(d.snapshot);
  CHECK(Parse({"-drive", "file=x"}).spec.drives[0].interface == "ide");
}

TEST_CASE("help and version") {
  CHECK(Parse({"--help"}).action == Action::kHelp);
  CHECK(Parse({"-h"}).action == Action::kHelp);
  CHECK(Parse({"--version"}).action == Action::kVersion);
  CHECK(Parse({"-version"}).action == Action::kVersion);
  std::string help = vireo::cli::HelpText();
  for (const char* opt :
       {"-m SIZE", "-smp", "-kernel", "-initrd", "-append", "-bios", "-drive", "-nographic",
        "-serial", "-display", "-accel", "-device", "-no-reboot", "-S ", "-s ", "Ctrl-A x"})
    CHECK_MESSAGE(help.find(opt) != std::string::npos, opt);
}

TEST_CASE("bad options name the problem") {
  CHECK_THROWS_WITH_AS(Parse({"-frobnicate"}), "unknown option '-frobnicate' (see vireo --help)",
                       UsageError);
  CHECK_THROWS_WITH_AS(Parse({"-m"}), "option -m needs an argument: SIZE", UsageError);
  CHECK_THROWS_WITH_AS(Parse({"-m", "lots"}),
                       "option -m: 'lots' is not a size (e.g. 512, 512M, 2G)", UsageError);
  CHECK_THROWS_AS(Parse({"-m", "12Q"}), UsageError);
  CHECK_THROWS_AS(Parse({"-m", "0"}), UsageError);
  CHECK_THROWS_AS(Parse({"-smp", "0"}), UsageError);
  CHECK_THROWS_AS(Parse({"-smp", "many"}), UsageError);
  CHECK_THROWS_WITH_AS(Parse({"-device", "virtio-gpu"}),
                       "option -device: unknown device 'virtio-gpu' (supported: isa-debug-exit)",
                       UsageError);
  CHECK_THROWS_AS(Parse({"-device", "isa-debug-exit,iobase=0x10000"}), UsageError);
  CHECK_THROWS_AS(Parse({"-device", "isa-debug-exit,iosize=3"}), UsageError);
  CHECK_THROWS_AS(Parse({"-device", "isa-debug-exit,color=red"}), UsageError);
  CHECK_THROWS_AS(Parse({"-drive", "format=raw"}), UsageError);  // no file
  CHECK_THROWS_AS(Parse({"-drive", "file=x,format=vmdk"}), UsageError);
  CHECK_THROWS_AS(Parse({"-drive", "file=x,if=scsi"}), UsageError);
  CHECK_THROWS_AS(Parse({"-serial", "pty"}), UsageError);
  CHECK_THROWS_AS(Parse({"-display", "gtk"}), UsageError);
  CHECK_THROWS_AS(Parse({"-accel", "hvf"}), UsageError);
  CHECK_THROWS_AS(Parse({"-machine", "q35"}), UsageError);
  CHECK_THROWS_WITH_AS(Parse({"disk.img"}),
                       "unexpected argument 'disk.img' (options start with '-'; for a disk use "
                       "-drive file=disk.img)",
                       UsageError);
}

TEST_CASE("-d and -D select trace output") {
  auto r = Parse({"-d", "in_asm,op", "-D", "/tmp/trace.log"});
  CHECK(r.spec.trace == std::vector<std::string>{"in_asm", "op"});
  CHECK(r.spec.trace_file == "/tmp/trace.log");
  CHECK_THROWS_WITH_AS(Parse({"-d", "in_asm,exec"}),
                       "option -d: unknown log item 'exec' (supported: in_asm, op)", UsageError);
}

TEST_CASE("key=value splitting") {
  auto kv = SplitKeyValues("isa-debug-exit,iobase=0xf4,flag", "driver");
  REQUIRE(kv.size() == 3);
  CHECK(kv[0] == std::pair<std::string, std::string>{"driver", "isa-debug-exit"});
  CHECK(kv[1].second == "0xf4");
  CHECK(kv[2] == std::pair<std::string, std::string>{"flag", "on"});
}
