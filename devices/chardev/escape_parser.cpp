#include "devices/chardev/escape_parser.h"

namespace vireo::devices {

const char kEscapeHelpText[] =
    "\r\n"
    "Ctrl-A h        show this help\r\n"
    "Ctrl-A x        quit the emulator\r\n"
    "Ctrl-A c        switch between the serial console and the monitor\r\n"
    "Ctrl-A Ctrl-A   send one Ctrl-A to the guest\r\n";

EscapeParser::Result EscapeParser::Feed(uint8_t byte) {
  if (!escaped_) {
    if (byte == kEscape) {
      escaped_ = true;
      return {};
    }
    return {Kind::kByte, byte};
  }
  escaped_ = false;
  switch (byte) {
    case kEscape:
      return {Kind::kByte, kEscape};  // Doubling the escape sends it literally.
    case 'x':
    case 'X':
      return {Kind::kQuit, 0};
    case 'c':
    case 'C':
      return {Kind::kMonitor, 0};
    case 'h':
    case 'H':
    case '?':
      return {Kind::kHelp, 0};
    default:
      return {};  // Unknown command keys are swallowed, so a mistyped escape reaches nothing.
  }
}

}  // namespace vireo::devices
