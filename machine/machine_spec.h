#pragma once
// Everything that describes one machine, independent of how it was asked for (command line,
// later QMP or a config file). cli/ fills it in; boards/ builds a machine from it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vireo::machine {

/// One -drive.
struct DriveSpec {
  std::string file;
  std::string format;     ///< "raw", "qcow2" or empty (probe)
  std::string interface;  ///< "ide", "virtio", "none"
  std::string media = "disk";
  int index = -1;
  bool read_only = false;
  bool snapshot = false;
};

/// One isa-debug-exit device.
struct DebugExitSpec {
  uint16_t iobase = 0x501;  ///< QEMU's defaults
  uint16_t iosize = 2;
};

/// The whole machine as requested.
struct MachineSpec {
  uint64_t ram_bytes = 128ull << 20;  ///< QEMU's default -m
  unsigned cpus = 1;
  std::string kernel;
  std::string initrd;
  std::string append;
  std::string bios;
  std::vector<DriveSpec> drives;
  std::vector<std::string> serial;  ///< one backend spec per COM port, in order
  std::string display = "default";  ///< "default", "none", "sdl"
  bool nographic = false;
  std::string accel = "auto";            ///< "auto", "dbt", "kvm"
  std::vector<std::string> accel_props;  ///< e.g. "tier=interp"
  std::vector<DebugExitSpec> debug_exits;
  bool no_reboot = false;
  bool no_shutdown = false;
  bool start_paused = false;       ///< -S
  std::string gdb;                 ///< -gdb DEV or -s (tcp::1234); empty: no stub
  std::string debugcon;            ///< -debugcon backend for port 0xE9 (empty: off)
  std::vector<std::string> trace;  ///< -d items: "in_asm" (guest code per block), "op" (IR)
  std::string trace_file;          ///< -D: where -d output goes (default stderr)

  /// The serial backends after applying -nographic's default (COM1 on stdio).
  std::vector<std::string> EffectiveSerial() const;
};

/// Parses a QEMU size ("512", "512M", "2G", "1T", "4096K"); plain numbers are MiB when
/// `default_mib` is set, as -m reads them. Returns nullopt if malformed.
std::optional<uint64_t> ParseSize(const std::string& text, bool default_mib);

}  // namespace vireo::machine
