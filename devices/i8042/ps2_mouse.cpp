#include "devices/i8042/ps2_mouse.h"

#include <algorithm>

namespace vireo::devices {

namespace {
// Packet byte 0 (IBM PS/2 Mouse Technical Reference): bit 3 always 1, bits 4/5 X/Y sign, bits
// 6/7 X/Y overflow, bits 0..2 buttons.
constexpr uint8_t kPacketAlways1 = 0x08;
constexpr uint8_t kPacketXSign = 0x10;
constexpr uint8_t kPacketYSign = 0x20;
constexpr uint8_t kPacketXOverflow = 0x40;
constexpr uint8_t kPacketYOverflow = 0x80;
constexpr uint8_t kButtonMask = 0x07;
// Status byte 1 of the 0xE9 reply.
constexpr uint8_t kStatusRemote = 0x40;
constexpr uint8_t kStatusEnabled = 0x20;
constexpr uint8_t kStatusScaling21 = 0x10;
constexpr int kPacketBytes = 3;
}  // namespace

void Ps2Mouse::Defaults() {
  sample_rate_ = kDefaultSampleRate;
  resolution_ = kDefaultResolution;
  scaling_2to1_ = false;
  reporting_ = false;
}

void Ps2Mouse::Reset() {
  out_.clear();
  pending_ = Pending::kNone;
  remote_ = false;
  wrap_ = false;
  Defaults();
}

uint8_t Ps2Mouse::PopOutput() {
  if (out_.empty()) return last_sent_;
  last_sent_ = out_.front();
  out_.pop_front();
  return last_sent_;
}

void Ps2Mouse::Receive(uint8_t byte) {
  if (wrap_ && byte != Ps2Aux::kResetWrap && byte != Ps2Aux::kReset) {
    Reply(byte);  // wrap (echo) mode returns every byte except the two that leave it
    return;
  }
  Pending pending = pending_;
  pending_ = Pending::kNone;
  if (pending == Pending::kSampleRate) {
    sample_rate_ = byte;
    Reply(Ps2Aux::kAck);
    return;
  }
  if (pending == Pending::kResolution) {
    resolution_ = byte & 0x03;
    Reply(Ps2Aux::kAck);
    return;
  }
  Command(byte);
}

void Ps2Mouse::Command(uint8_t byte) {
  switch (byte) {
    case Ps2Aux::kReset:
      Reset();
      Reply(Ps2Aux::kAck);
      Reply(Ps2Aux::kBatOk);
      Reply(Ps2Aux::kDeviceId);
      return;
    case Ps2Aux::kResend:
      Reply(last_sent_);
      return;
    case Ps2Aux::kDefaults:
      Defaults();
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kDisable:
      out_.clear();  // pending packets would be mistaken for the reply
      reporting_ = false;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kEnable:
      reporting_ = true;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kSampleRate:
      pending_ = Pending::kSampleRate;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kSetResolution:
      pending_ = Pending::kResolution;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kGetId:
      Reply(Ps2Aux::kAck);
      Reply(Ps2Aux::kDeviceId);
      return;
    case Ps2Aux::kRemoteMode:
      remote_ = true;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kStreamMode:
      remote_ = false;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kWrapMode:
      wrap_ = true;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kResetWrap:
      wrap_ = false;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kScaling11:
    case Ps2Aux::kScaling21:
      scaling_2to1_ = byte == Ps2Aux::kScaling21;
      Reply(Ps2Aux::kAck);
      return;
    case Ps2Aux::kReadData:  // remote-mode poll: movement is delivered as it happens, so none
      Reply(Ps2Aux::kAck);
      QueuePacket(0, 0);
      return;
    case Ps2Aux::kStatusRequest:
      Reply(Ps2Aux::kAck);
      Reply(static_cast<uint8_t>((remote_ ? kStatusRemote : 0) | (reporting_ ? kStatusEnabled : 0) |
                                 (scaling_2to1_ ? kStatusScaling21 : 0) |
                                 (buttons_ & kButtonMask)));
      Reply(resolution_);
      Reply(sample_rate_);
      return;
    default:
      Reply(Ps2Aux::kResend);
      return;
  }
}

void Ps2Mouse::QueuePacket(int dx, int dy) {
  uint8_t head = static_cast<uint8_t>(kPacketAlways1 | (buttons_ & kButtonMask));
  if (dx < -256 || dx > 255) head |= kPacketXOverflow;
  if (dy < -256 || dy > 255) head |= kPacketYOverflow;
  dx = std::clamp(dx, -256, 255);
  dy = std::clamp(dy, -256, 255);
  if (dx < 0) head |= kPacketXSign;
  if (dy < 0) head |= kPacketYSign;
  Reply(head);
  Reply(static_cast<uint8_t>(dx & 0xFF));
  Reply(static_cast<uint8_t>(dy & 0xFF));
}

void Ps2Mouse::Move(int dx, int dy, uint8_t buttons) {
  buttons_ = buttons & kButtonMask;
  if (!reporting_ || remote_ || wrap_) return;
  if (out_.size() + kPacketBytes > kPacketBufferLimit) return;  // the guest is not reading
  QueuePacket(dx, dy);
}

}  // namespace vireo::devices
