#include "devices/i8042/ps2_keyboard.h"

#include <vector>

namespace vireo::devices {

namespace {
// Overrun codes (IBM PS/2 Keyboard Technical Reference): 0x00 in sets 2 and 3, 0xFF in set 1.
constexpr uint8_t kOverrunSet2 = 0x00;
constexpr uint8_t kOverrunSet1 = 0xFF;
constexpr uint8_t kLedMask = 0x07;
constexpr uint8_t kTypematicMask = 0x7F;
}  // namespace

void Ps2Keyboard::Reset() {
  out_.clear();
  pending_ = Pending::kNone;
  scanning_ = true;
  set_ = 2;
  leds_ = 0;
  typematic_ = Ps2Kbd::kDefaultTypematic;
  overrun_reported_ = false;
}

uint8_t Ps2Keyboard::PopOutput() {
  if (out_.empty()) return last_sent_;
  last_sent_ = out_.front();
  out_.pop_front();
  if (out_.empty()) overrun_reported_ = false;
  return last_sent_;
}

void Ps2Keyboard::Receive(uint8_t byte) {
  Pending pending = pending_;
  pending_ = Pending::kNone;
  // A parameter never has bit 7 set; such a byte is a new command (the keyboard abandons the one
  // waiting for its parameter), which is how a host recovers from a lost parameter.
  if (pending != Pending::kNone && (byte & 0x80) == 0) {
    switch (pending) {
      case Pending::kLeds:
        leds_ = byte & kLedMask;
        Reply(Ps2Kbd::kAck);
        return;
      case Pending::kTypematic:
        typematic_ = byte & kTypematicMask;
        Reply(Ps2Kbd::kAck);
        return;
      case Pending::kScancodeSet:
        if (byte == 0) {  // 0 = report the current set
          Reply(Ps2Kbd::kAck);
          Reply(set_);
        } else if (byte <= 3) {
          set_ = byte;
          Reply(Ps2Kbd::kAck);
        } else {
          Reply(Ps2Kbd::kResend);
        }
        return;
      case Pending::kNone:
        break;
    }
  }
  Command(byte);
}

void Ps2Keyboard::Command(uint8_t byte) {
  switch (byte) {
    case Ps2Kbd::kReset:
      Reset();
      Reply(Ps2Kbd::kAck);
      Reply(Ps2Kbd::kBatOk);  // a real keyboard needs ~500 ms of self-test; nobody waits on it
      return;
    case Ps2Kbd::kResend:
      Reply(last_sent_);
      return;
    case Ps2Kbd::kDefaults:  // defaults, keep scanning
      typematic_ = Ps2Kbd::kDefaultTypematic;
      Reply(Ps2Kbd::kAck);
      return;
    case Ps2Kbd::kDisable:  // defaults, stop scanning, discard buffered keys
      out_.clear();
      typematic_ = Ps2Kbd::kDefaultTypematic;
      scanning_ = false;
      Reply(Ps2Kbd::kAck);
      return;
    case Ps2Kbd::kEnable:  // clear the buffer, start scanning
      out_.clear();
      scanning_ = true;
      Reply(Ps2Kbd::kAck);
      return;
    case Ps2Kbd::kTypematic:
      pending_ = Pending::kTypematic;
      Reply(Ps2Kbd::kAck);
      return;
    case Ps2Kbd::kIdentify:
      Reply(Ps2Kbd::kAck);
      Reply(Ps2Kbd::kIdByte1);
      Reply(Ps2Kbd::kIdByte2);
      return;
    case Ps2Kbd::kScancodeSet:
      pending_ = Pending::kScancodeSet;
      Reply(Ps2Kbd::kAck);
      return;
    case Ps2Kbd::kEcho:
      Reply(Ps2Kbd::kEcho);
      return;
    case Ps2Kbd::kSetLeds:
      pending_ = Pending::kLeds;
      Reply(Ps2Kbd::kAck);
      return;
    case 0xF7:  // set-3 key type commands: accepted, keys keep make/break/typematic behaviour
    case 0xF8:
    case 0xF9:
    case 0xFA:
    case 0xFB:
    case 0xFC:
    case 0xFD:
      Reply(Ps2Kbd::kAck);
      return;
    default:
      Reply(Ps2Kbd::kResend);
      return;
  }
}

bool Ps2Keyboard::KeyInput(std::span<const uint8_t> set2_bytes) {
  if (!scanning_ || set2_bytes.empty()) return false;
  std::vector<uint8_t> bytes;
  if (set_ == 1) {
    // The keyboard itself emits set 1. (Set 3 is not modelled: its codes stay set 2.)
    Set1Translator translator;
    for (uint8_t b : set2_bytes) {
      if (auto code = translator.Feed(b)) bytes.push_back(*code);
    }
  } else {
    bytes.assign(set2_bytes.begin(), set2_bytes.end());
  }
  if (out_.size() + bytes.size() > kKeyBufferLimit) {
    if (!overrun_reported_) out_.push_back(set_ == 1 ? kOverrunSet1 : kOverrunSet2);
    overrun_reported_ = true;
    return false;
  }
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  return true;
}

}  // namespace vireo::devices
