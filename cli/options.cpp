#include "cli/options.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <sstream>

namespace vireo::cli {

namespace {

using machine::MachineSpec;
using KeyValues = std::vector<std::pair<std::string, std::string>>;

[[noreturn]] void Bad(const std::string& option, const std::string& why) {
  throw UsageError("option " + option + ": " + why);
}

uint64_t ParseNumber(const std::string& option, const std::string& key, const std::string& text,
                     uint64_t max) {
  if (text.empty()) Bad(option, key + " needs a value");
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 0);  // accepts 0x.. as QEMU does
  if (errno != 0 || *end != '\0' || text[0] == '-')
    Bad(option, "'" + text + "' is not a number for " + key);
  if (v > max) Bad(option, key + "=" + text + " is out of range (max " + std::to_string(max) + ")");
  return v;
}

bool ParseOnOff(const std::string& option, const std::string& key, const std::string& text) {
  if (text == "on" || text == "yes" || text == "true" || text.empty()) return true;
  if (text == "off" || text == "no" || text == "false") return false;
  Bad(option, key + "=" + text + " must be on or off");
}

void ApplyMemory(MachineSpec& s, const std::string& arg) {
  std::string size = arg;
  for (const auto& [k, v] : SplitKeyValues(arg, "size")) {
    if (k == "size")
      size = v;
    else if (k != "slots" && k != "maxmem")
      Bad("-m", "unknown property '" + k + "'");
  }
  auto bytes = machine::ParseSize(size, true);
  if (!bytes) Bad("-m", "'" + size + "' is not a size (e.g. 512, 512M, 2G)");
  if (*bytes < (1ull << 20)) Bad("-m", "at least 1 MiB of RAM is needed");
  if (*bytes > (1ull << 40)) Bad("-m", "more than 1 TiB of RAM is not supported");
  s.ram_bytes = *bytes;
}

void ApplySmp(MachineSpec& s, const std::string& arg) {
  unsigned cpus = 0;
  for (const auto& [k, v] : SplitKeyValues(arg, "cpus")) {
    if (k == "cpus" || k == "maxcpus") {
      cpus = std::max(cpus, static_cast<unsigned>(ParseNumber("-smp", k, v, 255)));
    } else if (k != "sockets" && k != "cores" && k != "threads" && k != "dies") {
      Bad("-smp", "unknown property '" + k + "'");
    }
  }
  if (cpus == 0) Bad("-smp", "needs a CPU count of at least 1");
  s.cpus = cpus;
}

void ApplyDrive(MachineSpec& s, const std::string& arg) {
  machine::DriveSpec d;
  for (const auto& [k, v] : SplitKeyValues(arg, "")) {
    if (k == "file")
      d.file = v;
    else if (k == "format") {
      if (v != "raw" && v != "qcow2")
        Bad("-drive", "format=" + v + " is not supported (raw or qcow2)");
      d.format = v;
    } else if (k == "if") {
      if (v != "ide" && v != "virtio" && v != "none")
        Bad("-drive", "if=" + v + " is not supported (ide, virtio or none)");
      d.interface = v;
    } else if (k == "media") {
      if (v != "disk" && v != "cdrom") Bad("-drive", "media=" + v + " must be disk or cdrom");
      d.media = v;
    } else if (k == "index")
      d.index = static_cast<int>(ParseNumber("-drive", k, v, 3));
    else if (k == "readonly")
      d.read_only = ParseOnOff("-drive", k, v);
    else if (k == "snapshot")
      d.snapshot = ParseOnOff("-drive", k, v);
    else if (k == "cache" || k == "aio" || k == "id")
      continue;  // accepted, no effect yet
    else if (k.empty())
      Bad("-drive", "'" + v + "' needs a key (did you mean file=" + v + "?)");
    else
      Bad("-drive", "unknown property '" + k + "'");
  }
  if (d.file.empty()) Bad("-drive", "file= is required");
  if (d.interface.empty()) d.interface = "ide";
  s.drives.push_back(d);
}

void ApplySerial(MachineSpec& s, const std::string& arg) {
  if (s.serial.size() >= 4) Bad("-serial", "at most 4 serial ports (COM1-COM4)");
  bool known = arg == "stdio" || arg == "null" || arg == "none" || arg == "mon:stdio" ||
               (arg.rfind("file:", 0) == 0 && arg.size() > 5);
  if (!known)
    Bad("-serial", "unknown backend '" + arg + "' (use stdio, mon:stdio, file:PATH or null)");
  s.serial.push_back(arg == "mon:stdio" ? "stdio" : arg);
}

void ApplyDisplay(MachineSpec& s, const std::string& arg) {
  std::string kind = SplitKeyValues(arg, "type").front().second;
  if (kind != "none" && kind != "sdl" && kind != "default")
    Bad("-display", "unknown display '" + kind + "' (use sdl or none)");
  s.display = kind;
}

void ApplyAccel(MachineSpec& s, const std::string& arg) {
  auto kv = SplitKeyValues(arg, "accel");
  std::string name = kv.front().second;
  // QEMU users type "tcg"; Vireo's translator takes that role, so the spelling carries over.
  if (name == "tcg") name = "dbt";
  if (name != "dbt" && name != "kvm" && name != "auto")
    Bad("-accel", "unknown accelerator '" + name + "' (use dbt, tcg, kvm or auto)");
  s.accel = name;
  s.accel_props.clear();
  for (size_t i = 1; i < kv.size(); ++i) s.accel_props.push_back(kv[i].first + "=" + kv[i].second);
}

void ApplyDevice(MachineSpec& s, const std::string& arg) {
  auto kv = SplitKeyValues(arg, "driver");
  const std::string& driver = kv.front().second;
  if (driver == "isa-debug-exit") {
    machine::DebugExitSpec d;
    for (size_t i = 1; i < kv.size(); ++i) {
      const auto& [k, v] = kv[i];
      if (k == "iobase")
        d.iobase = static_cast<uint16_t>(ParseNumber("-device", k, v, 0xFFFF));
      else if (k == "iosize")
        d.iosize = static_cast<uint16_t>(ParseNumber("-device", k, v, 8));
      else
        Bad("-device", "isa-debug-exit has no property '" + k + "' (iobase, iosize)");
    }
    if (d.iosize == 0 || (d.iosize & (d.iosize - 1)) != 0)
      Bad("-device", "isa-debug-exit iosize must be 1, 2, 4 or 8");
    if (uint32_t{d.iobase} + d.iosize > 0x10000)
      Bad("-device", "isa-debug-exit ports run past 0xffff");
    s.debug_exits.push_back(d);
    return;
  }
  Bad("-device", "unknown device '" + driver + "' (supported: isa-debug-exit)");
}

void ApplyTrace(MachineSpec& s, const std::string& arg) {
  s.trace.clear();
  for (const auto& [k, v] : SplitKeyValues(arg, "")) {
    // QEMU's -d takes a bare comma list; SplitKeyValues gives the first item an empty key.
    const std::string& item = k.empty() ? v : k;
    if (item != "in_asm" && item != "op")
      Bad("-d", "unknown log item '" + item + "' (supported: in_asm, op)");
    s.trace.push_back(item);
  }
}

void ApplyMachine(MachineSpec&, const std::string& arg) {
  std::string type = SplitKeyValues(arg, "type").front().second;
  if (type != "pc" && type != "pc-i440fx" && type.rfind("pc-i440fx-", 0) != 0)
    Bad("-machine", "unknown machine '" + type + "' (supported: pc)");
}

struct OptionDef {
  const char* name;
  const char* arg;  // nullptr: a flag
  const char* help;
  std::function<void(MachineSpec&, const std::string&)> apply;
};

const std::vector<OptionDef>& Options() {
  static const std::vector<OptionDef> table = {
      {"m", "SIZE", "guest RAM, e.g. 512 (MiB), 512M, 2G; default 128M", ApplyMemory},
      {"smp", "N", "number of virtual CPUs", ApplySmp},
      {"machine", "TYPE", "machine type (pc)", ApplyMachine},
      {"M", "TYPE", "same as -machine", ApplyMachine},
      {"kernel", "FILE", "boot a Linux bzImage, ELF vmlinux or multiboot kernel directly",
       [](MachineSpec& s, const std::string& a) { s.kernel = a; }},
      {"initrd", "FILE", "initial ramdisk for -kernel",
       [](MachineSpec& s, const std::string& a) { s.initrd = a; }},
      {"append", "CMDLINE", "kernel command line for -kernel",
       [](MachineSpec& s, const std::string& a) { s.append = a; }},
      {"bios", "FILE", "firmware image mapped below 4 GiB",
       [](MachineSpec& s, const std::string& a) { s.bios = a; }},
      {"drive",
       "file=F[,format=raw|qcow2][,if=ide|virtio][,media=disk|cdrom][,readonly=on][,snapshot=on]",
       "a disk image", ApplyDrive},
      {"nographic", nullptr, "no window; serial port and monitor on the terminal",
       [](MachineSpec& s, const std::string&) {
         s.nographic = true;
         s.display = "none";
       }},
      {"serial", "stdio|file:PATH|null", "next serial port's backend (COM1 first)", ApplySerial},
      {"display", "sdl|none", "how to show the screen", ApplyDisplay},
      {"accel", "dbt|tcg|kvm|auto[,tier=...]",
       "accelerator (auto: KVM if usable, else the translator)", ApplyAccel},
      {"device", "isa-debug-exit[,iobase=N][,iosize=N]", "add a device", ApplyDevice},
      {"debugcon", "stdio|file:PATH|null", "backend for the 0xE9 debug console",
       [](MachineSpec& s, const std::string& a) {
         if (a != "stdio" && a != "null" && a != "none" &&
             !(a.rfind("file:", 0) == 0 && a.size() > 5))
           Bad("-debugcon", "unknown backend '" + a + "' (use stdio, file:PATH or null)");
         s.debugcon = a;
       }},
      {"d", "in_asm,op", "log translated guest code (Capstone) and/or its IR", ApplyTrace},
      {"D", "FILE", "write -d output to FILE instead of stderr",
       [](MachineSpec& s, const std::string& a) { s.trace_file = a; }},
      {"no-reboot", nullptr, "exit instead of rebooting (reset, triple fault)",
       [](MachineSpec& s, const std::string&) { s.no_reboot = true; }},
      {"no-shutdown", nullptr, "stay alive after the guest powers off",
       [](MachineSpec& s, const std::string&) { s.no_shutdown = true; }},
      {"S", nullptr, "do not start the CPU (wait for the debugger or monitor)",
       [](MachineSpec& s, const std::string&) { s.start_paused = true; }},
      {"s", nullptr, "shorthand for -gdb tcp::1234",
       [](MachineSpec& s, const std::string&) { s.gdb = "tcp::1234"; }},
      {"gdb", "tcp::PORT", "GDB remote stub",
       [](MachineSpec& s, const std::string& a) { s.gdb = a; }},
  };
  return table;
}

}  // namespace

KeyValues SplitKeyValues(const std::string& text, const std::string& implied_key) {
  KeyValues out;
  std::string cur;
  std::vector<std::string> items;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ',') {
      if (i + 1 < text.size() && text[i + 1] == ',') {  // QEMU's escaped comma
        cur += ',';
        ++i;
        continue;
      }
      items.push_back(cur);
      cur.clear();
    } else {
      cur += text[i];
    }
  }
  items.push_back(cur);
  for (size_t i = 0; i < items.size(); ++i) {
    size_t eq = items[i].find('=');
    if (eq == std::string::npos) {
      // The first bare word is the implied key's value; later bare words are boolean flags.
      if (i == 0)
        out.emplace_back(implied_key, items[i]);
      else
        out.emplace_back(items[i], "on");
    } else {
      out.emplace_back(items[i].substr(0, eq), items[i].substr(eq + 1));
    }
  }
  return out;
}

ParseResult ParseCommandLine(std::span<const std::string> args) {
  ParseResult result;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string opt = args[i];
    if (opt == "-h" || opt == "-help" || opt == "--help") {
      result.action = Action::kHelp;
      return result;
    }
    if (opt == "-version" || opt == "--version") {
      result.action = Action::kVersion;
      return result;
    }
    if (opt.size() < 2 || opt[0] != '-') {
      // QEMU treats a bare argument as a disk image (-hda); say what to use instead.
      throw UsageError("unexpected argument '" + opt +
                       "' (options start with '-'; for a disk use -drive file=" + opt + ")");
    }
    // QEMU accepts --option as well as -option.
    std::string name = opt.substr(opt[1] == '-' ? 2 : 1);
    const OptionDef* def = nullptr;
    for (const OptionDef& d : Options())
      if (name == d.name) def = &d;
    if (def == nullptr) throw UsageError("unknown option '" + opt + "' (see vireo --help)");
    std::string value;
    if (def->arg != nullptr) {
      if (i + 1 >= args.size())
        throw UsageError("option " + opt + " needs an argument: " + def->arg);
      value = args[++i];
    }
    def->apply(result.spec, value);
  }
  return result;
}

std::string HelpText() {
  std::ostringstream out;
  out << "Usage: vireo [options]\n"
         "Vireo: a full-system x86 PC emulator with QEMU-compatible options.\n\n"
         "Options:\n";
  for (const OptionDef& d : Options()) {
    std::string left =
        std::string("-") + d.name + (d.arg != nullptr ? std::string(" ") + d.arg : "");
    out << "  " << left;
    if (left.size() < 30)
      out << std::string(30 - left.size(), ' ');
    else
      out << "\n" << std::string(32, ' ');
    out << d.help << "\n";
  }
  out << "  -h, --help                    this text\n"
         "  -version, --version           print the version\n\n"
         "Terminal: with the serial port on stdio, type Ctrl-A x to quit, Ctrl-A h for help.\n";
  return out.str();
}

}  // namespace vireo::cli
