// Vireo: parse the command line into a MachineSpec, build the machine, pick the accelerator, run.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

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
    vireo::machine::PcMachine machine(parsed.spec);
    // Said plainly rather than pretending to run: the machine exists, its CPU does not yet.
    std::fprintf(stderr,
                 "vireo: machine built (%llu MiB RAM, %zu devices), but no CPU model exists yet; "
                 "nothing can run (see README, Status)\n",
                 static_cast<unsigned long long>(parsed.spec.ram_bytes >> 20),
                 machine.device_count());
    return 1;
  } catch (const vireo::Error& e) {
    std::fprintf(stderr, "vireo: %s\n", e.what());
    return 1;
  }
}
