#include "devices/i8042/i8042.h"

#include <tuple>

namespace vireo::devices {

namespace {

// Controller commands (IBM PS/2 Technical Reference, 8042 keyboard controller chapter).
constexpr uint8_t kReadRamFirst = 0x20;  // 0x20..0x3F: read RAM byte n (0 = command byte)
constexpr uint8_t kReadRamLast = 0x3F;
constexpr uint8_t kWriteRamFirst = 0x60;  // 0x60..0x7F: write RAM byte n
constexpr uint8_t kWriteRamLast = 0x7F;
constexpr uint8_t kDisableAux = 0xA7;
constexpr uint8_t kEnableAux = 0xA8;
constexpr uint8_t kTestAux = 0xA9;
constexpr uint8_t kSelfTest = 0xAA;
constexpr uint8_t kTestKbd = 0xAB;
constexpr uint8_t kDisableKbd = 0xAD;
constexpr uint8_t kEnableKbd = 0xAE;
constexpr uint8_t kReadInputPort = 0xC0;
constexpr uint8_t kReadOutputPort = 0xD0;
constexpr uint8_t kWriteOutputPort = 0xD1;
constexpr uint8_t kWriteKbdBuffer = 0xD2;
constexpr uint8_t kWriteAuxBuffer = 0xD3;
constexpr uint8_t kWriteAux = 0xD4;
constexpr uint8_t kA20Off = 0xDD;  // HP Vectra extension, widely supported
constexpr uint8_t kA20On = 0xDF;
constexpr uint8_t kPulseFirst = 0xF0;  // 0xF0..0xFF: pulse output port bits 0..3 that are 0

constexpr uint8_t kSelfTestOk = 0x55;
constexpr uint8_t kInterfaceOk = 0x00;

}  // namespace

I8042::I8042(machine::IrqLine irq1, machine::IrqLine irq12, std::function<void()> on_reset,
             std::function<void(bool enabled)> on_a20)
    : irq1_(irq1), irq12_(irq12), on_reset_(std::move(on_reset)), on_a20_(std::move(on_a20)) {
  Reset();
}

void I8042::Reset() {
  keyboard_.Reset();
  mouse_.Reset();
  translator_.Reset();
  controller_out_.clear();
  for (uint8_t& byte : ram_) byte = 0;
  ram_[0] = kPowerOnCommandByte;
  output_port_ = kPowerOnOutputPort;
  out_ = 0;
  obf_ = false;
  out_aux_ = false;
  sys_ = false;  // cold boot: firmware tells power-on from a warm reset by this flag
  a2_ = false;
  pending_ = Pending::kNone;
  UpdateIrqs();
}

uint64_t I8042::Port::Read(uint64_t offset, unsigned size) {
  return command_ ? owner_.ReadStatus() : owner_.ReadData();
}

void I8042::Port::Write(uint64_t offset, unsigned size, uint64_t value) {
  if (command_) {
    owner_.WriteCommand(static_cast<uint8_t>(value));
  } else {
    owner_.WriteData(static_cast<uint8_t>(value));
  }
}

uint8_t I8042::ReadStatus() const {
  uint8_t status = I8042Status::kInh;
  if (obf_) status |= I8042Status::kObf;
  if (obf_ && out_aux_) status |= I8042Status::kAuxb;
  if (sys_) status |= I8042Status::kSys;
  if (a2_) status |= I8042Status::kA2;
  return status;
}

uint8_t I8042::ReadData() {
  uint8_t value = out_;
  obf_ = false;
  UpdateIrqs();  // the falling edge lets the next byte's rising edge reach an edge-triggered PIC
  Refill();
  return value;
}

void I8042::WriteData(uint8_t value) {
  a2_ = false;
  Pending pending = pending_;
  pending_ = Pending::kNone;
  switch (pending) {
    case Pending::kRam:
      ram_[pending_ram_index_] = value;
      if (pending_ram_index_ == 0) {
        sys_ = (value & I8042Config::kSys) != 0;
        translator_.Reset();
        UpdateIrqs();  // interrupt enables may have changed for the byte already waiting
      }
      break;
    case Pending::kOutputPort:
      WriteOutputPort(value);
      break;
    case Pending::kKbdOutput:
      QueueControllerByte(value, false);
      break;
    case Pending::kAuxOutput:
      QueueControllerByte(value, true);
      break;
    case Pending::kAuxDevice:
      mouse_.Receive(value);
      break;
    case Pending::kNone:
      keyboard_.Receive(value);
      break;
  }
  Refill();
}

void I8042::WriteCommand(uint8_t command) {
  a2_ = true;
  pending_ = Pending::kNone;
  if (command >= kReadRamFirst && command <= kReadRamLast) {
    QueueControllerByte(ram_[command - kReadRamFirst], false);
  } else if (command >= kWriteRamFirst && command <= kWriteRamLast) {
    pending_ = Pending::kRam;
    pending_ram_index_ = static_cast<uint8_t>(command - kWriteRamFirst);
  } else if (command >= kPulseFirst) {
    // Bits 3:0 select output port lines to pulse low for ~6 us; only bit 0 (reset) has an
    // effect worth modelling: an A20 pulse that short is invisible to software.
    if ((command & I8042OutPort::kReset) == 0 && on_reset_) on_reset_();
  } else {
    switch (command) {
      case kDisableAux:
        ram_[0] |= I8042Config::kAuxDisable;
        break;
      case kEnableAux:
        ram_[0] &= static_cast<uint8_t>(~I8042Config::kAuxDisable);
        break;
      case kTestAux:
      case kTestKbd:
        QueueControllerByte(kInterfaceOk, false);
        break;
      case kSelfTest:
        sys_ = true;
        QueueControllerByte(kSelfTestOk, false);
        break;
      case kDisableKbd:
        ram_[0] |= I8042Config::kKbdDisable;
        break;
      case kEnableKbd:
        ram_[0] &= static_cast<uint8_t>(~I8042Config::kKbdDisable);
        break;
      case kReadInputPort:
        QueueControllerByte(kInputPort, false);
        break;
      case kReadOutputPort:
        QueueControllerByte(output_port(), false);
        break;
      case kWriteOutputPort:
        pending_ = Pending::kOutputPort;
        break;
      case kWriteKbdBuffer:
        pending_ = Pending::kKbdOutput;
        break;
      case kWriteAuxBuffer:
        pending_ = Pending::kAuxOutput;
        break;
      case kWriteAux:
        pending_ = Pending::kAuxDevice;
        break;
      case kA20Off:
        WriteOutputPort(static_cast<uint8_t>(output_port_ & ~I8042OutPort::kA20));
        break;
      case kA20On:
        WriteOutputPort(static_cast<uint8_t>(output_port_ | I8042OutPort::kA20));
        break;
      default:
        break;  // unknown commands are ignored, as real controllers do
    }
  }
  Refill();
}

uint8_t I8042::output_port() const {
  // Bits 4 and 5 are the IRQ outputs themselves, so they are read live.
  uint8_t value =
      output_port_ & static_cast<uint8_t>(~(I8042OutPort::kIrq1 | I8042OutPort::kIrq12));
  if (irq1_.level()) value |= I8042OutPort::kIrq1;
  if (irq12_.level()) value |= I8042OutPort::kIrq12;
  return value;
}

void I8042::WriteOutputPort(uint8_t value) {
  bool a20_was = a20_enabled();
  output_port_ = value;
  if (a20_enabled() != a20_was && on_a20_) on_a20_(a20_enabled());
  if ((value & I8042OutPort::kReset) == 0) {
    // Driving bit 0 low resets the CPU; the line reads as released afterwards, as the system
    // comes out of reset with the controller still running.
    output_port_ |= I8042OutPort::kReset;
    if (on_reset_) on_reset_();
  }
}

bool I8042::KeyboardInput(std::span<const uint8_t> set2_bytes) {
  bool accepted = keyboard_.KeyInput(set2_bytes);
  Refill();
  return accepted;
}

void I8042::MouseInput(int dx, int dy, uint8_t buttons) {
  mouse_.Move(dx, dy, buttons);
  Refill();
}

void I8042::Refill() {
  // The controller moves one byte at a time into its output buffer: its own replies first, then
  // the keyboard, then the mouse; a device whose clock is disabled in the command byte is held
  // off (its bytes wait in the device).
  while (!obf_) {
    if (!controller_out_.empty()) {
      std::tie(out_, out_aux_) = controller_out_.front();
      controller_out_.pop_front();
      obf_ = true;
    } else if (!(ram_[0] & I8042Config::kKbdDisable) && keyboard_.HasOutput()) {
      uint8_t byte = keyboard_.PopOutput();
      if (ram_[0] & I8042Config::kTranslate) {
        auto code = translator_.Feed(byte);
        if (!code) continue;  // a swallowed 0xF0 break prefix
        byte = *code;
      }
      out_ = byte;
      out_aux_ = false;
      obf_ = true;
    } else if (!(ram_[0] & I8042Config::kAuxDisable) && mouse_.HasOutput()) {
      out_ = mouse_.PopOutput();
      out_aux_ = true;
      obf_ = true;
    } else {
      break;
    }
  }
  UpdateIrqs();
}

void I8042::UpdateIrqs() {
  bool irq1 = obf_ && !out_aux_ && (ram_[0] & I8042Config::kKbdInt);
  bool irq12 = obf_ && out_aux_ && (ram_[0] & I8042Config::kAuxInt);
  if (irq1 != irq1_.level()) irq1_.Set(irq1);
  if (irq12 != irq12_.level()) irq12_.Set(irq12);
}

}  // namespace vireo::devices
