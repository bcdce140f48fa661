#pragma once
// QEMU-compatible command-line parsing: the same option spellings (-m, -smp, -kernel, -drive
// file=...,if=virtio, -device isa-debug-exit,iobase=0xf4 ...) so a user can swap the binary name
// in an existing script. The option table in options.cpp is the one source for parsing and --help.

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "machine/error.h"
#include "machine/machine_spec.h"

namespace vireo::cli {

/// A malformed or unknown option; main() prints it and exits with status 2.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// What the command line asks for.
enum class Action { kRun, kHelp, kVersion };

/// Parsed command line.
struct ParseResult {
  Action action = Action::kRun;
  machine::MachineSpec spec;
};

/// Parses argv[1..] (without the program name). Throws UsageError naming the bad option.
ParseResult ParseCommandLine(std::span<const std::string> args);

/// The --help text, generated from the option table.
std::string HelpText();

/// Splits a QEMU option argument "a=1,b=2,flag" into pairs; ",," is a literal comma. A first
/// element without '=' gets `implied_key` (e.g. -drive's implied "file" is not QEMU's, but
/// -device's implied "driver" and -accel's implied "accel" are).
std::vector<std::pair<std::string, std::string>> SplitKeyValues(const std::string& text,
                                                                const std::string& implied_key);

}  // namespace vireo::cli
