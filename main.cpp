// Vireo: parse the command line into a MachineSpec, build the machine, pick the accelerator, run.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "accel/accelerator.h"
#include "cli/options.h"
#include "machine/boards/pc.h"
#include "machine/error.h"

namespace {
constexpr const char* kVersion = "0.1.0";
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  vireo::cli::ParseResult parsed;
  try {
    parsed = vireo::cli::ParseCommandLine(args);
  } catch (const vireo::cli::UsageError& e) {
    std::fprintf(stderr, "vireo: %s\n", e.what());
    return 2;
  }
  if (parsed.action == vireo::cli::Action::kHelp) {
    std::fputs(vireo::cli::HelpText().c_str(), stdout);
    return 0;
  }
  if (parsed.action == vireo::cli::Action::kVersion) {
    std::printf("Vireo %s (x86 PC emulator; QEMU-compatible options)\n", kVersion);
    return 0;
  }
  try {
    const vireo::machine::MachineSpec& spec = parsed.spec;
    if (spec.start_paused || !spec.gdb.empty())
      throw vireo::Error("-S/-s/-gdb: the GDB stub and monitor are not implemented yet");
    if (!spec.drives.empty())
      throw vireo::Error("-drive: disk images are not supported yet (no disk controllers)");
    vireo::machine::PcMachine machine(spec);
    auto accel = vireo::accel::CreateAccelerator(machine);
    machine.event_loop().Start();
    accel->Start();
    int status = machine.WaitForExit();
    accel->Stop();
    machine.event_loop().Stop();
    return status;
  } catch (const vireo::Error& e) {
    std::fprintf(stderr, "vireo: %s\n", e.what());
    return 1;
  }
}
