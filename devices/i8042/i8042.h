#pragma once
// The Intel 8042 keyboard controller of PC/AT and PS/2 machines, with a PS/2 keyboard on its
// first port and a PS/2 mouse on its second (aux) port. Port 0x60 is the data port (output
// buffer / input buffer for data), port 0x64 the status register (read) and command register
// (write). The controller processes every write at once, so IBF never reads as 1.
//
// Board wiring: the two ports are not adjacent (0x61 belongs to the PIT/speaker), so the device
// exposes two IoHandlers: map data_port() at kDataPort and command_port() at kCommandPort, one
// byte each with kAccessSizes. Connect the IrqLines to ISA IRQ 1 and IRQ 12. on_reset requests a
// system reset (output port bit 0 driven low: commands 0xD1 and 0xFE); on_a20 reports the A20
// gate (output port bit 1: 0xD1, 0xDD, 0xDF) whenever it changes; the gate starts enabled.

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <utility>

#include "devices/i8042/ps2_keyboard.h"
#include "devices/i8042/ps2_mouse.h"
#include "devices/i8042/scancode_translation.h"
#include "machine/io_handler.h"
#include "machine/irq.h"

namespace vireo::devices {

/// Status register bits (port 0x64 read).
struct I8042Status {
  static constexpr uint8_t kObf = 0x01;      ///< output buffer full: port 0x60 has a byte
  static constexpr uint8_t kIbf = 0x02;      ///< input buffer full (never: writes are immediate)
  static constexpr uint8_t kSys = 0x04;      ///< system flag: self-test passed / command byte bit 2
  static constexpr uint8_t kA2 = 0x08;       ///< last write was to 0x64 (command), not 0x60
  static constexpr uint8_t kInh = 0x10;      ///< keyboard not inhibited (key lock off)
  static constexpr uint8_t kAuxb = 0x20;     ///< the output buffer byte came from the aux device
  static constexpr uint8_t kTimeout = 0x40;  ///< never set: devices always answer
  static constexpr uint8_t kParity = 0x80;   ///< never set: no line errors
};

/// Command byte (controller RAM byte 0) bits.
struct I8042Config {
  static constexpr uint8_t kKbdInt = 0x01;      ///< IRQ 1 on keyboard data
  static constexpr uint8_t kAuxInt = 0x02;      ///< IRQ 12 on aux data
  static constexpr uint8_t kSys = 0x04;         ///< copied to status bit 2
  static constexpr uint8_t kKbdDisable = 0x10;  ///< keyboard clock held low
  static constexpr uint8_t kAuxDisable = 0x20;  ///< aux clock held low
  static constexpr uint8_t kTranslate = 0x40;   ///< set 2 -> set 1 translation
};

/// Output port bits (0xD0/0xD1).
struct I8042OutPort {
  static constexpr uint8_t kReset = 0x01;  ///< 0 = system reset asserted
  static constexpr uint8_t kA20 = 0x02;    ///< A20 gate
  static constexpr uint8_t kIrq1 = 0x10;   ///< output buffer full with keyboard data (IRQ 1)
  static constexpr uint8_t kIrq12 = 0x20;  ///< output buffer full with aux data (IRQ 12)
};

/// The i8042 keyboard controller with its keyboard and mouse.
class I8042 {
 public:
  static constexpr uint16_t kDataPort = 0x60;                ///< map data_port() here
  static constexpr uint16_t kCommandPort = 0x64;             ///< map command_port() here
  static constexpr machine::AccessSizes kAccessSizes{1, 1};  ///< byte registers
  /// Power-on command byte: keyboard interrupt and translation on, what a guest that skips
  /// controller setup expects (set-1 codes on IRQ 1); firmware rewrites it.
  static constexpr uint8_t kPowerOnCommandByte = I8042Config::kKbdInt | I8042Config::kTranslate;
  /// Power-on output port: reset released, A20 enabled, clock/data lines high.
  static constexpr uint8_t kPowerOnOutputPort = 0xCF;
  /// Input port (0xC0): bit 7 keyboard not inhibited, bit 5 no manufacturing jumper.
  static constexpr uint8_t kInputPort = 0xA0;

  /// `on_reset` and `on_a20` may be empty (then the requests are ignored).
  I8042(machine::IrqLine irq1, machine::IrqLine irq12, std::function<void()> on_reset,
        std::function<void(bool enabled)> on_a20);
  I8042(const I8042&) = delete;
  I8042& operator=(const I8042&) = delete;

  /// The port 0x60 handler (offset 0).
  machine::IoHandler& data_port() { return data_port_; }
  /// The port 0x64 handler (offset 0).
  machine::IoHandler& command_port() { return command_port_; }

  /// Port 0x60 read: takes the output buffer byte (the last one again if the buffer is empty).
  uint8_t ReadData();
  /// Port 0x60 write: a parameter of the pending controller command, else a keyboard command.
  void WriteData(uint8_t value);
  /// Port 0x64 read.
  uint8_t ReadStatus() const;
  /// Port 0x64 write.
  void WriteCommand(uint8_t command);

  /// Host key event as a set-2 make or break sequence; returns false if the keyboard dropped it.
  bool KeyboardInput(std::span<const uint8_t> set2_bytes);
  /// Host mouse movement (dy > 0 is up) and buttons (bit 0 left, 1 right, 2 middle).
  void MouseInput(int dx, int dy, uint8_t buttons);
  /// Power-on state of controller, keyboard and mouse (does not call on_a20).
  void Reset();

  /// Controller RAM byte 0.
  uint8_t command_byte() const { return ram_[0]; }
  /// The output port as 0xD0 reads it.
  uint8_t output_port() const;
  /// True when the controller gates A20 on.
  bool a20_enabled() const { return (output_port_ & I8042OutPort::kA20) != 0; }
  /// The keyboard on the first port (LEDs, scan code set, scanning state).
  const Ps2Keyboard& keyboard() const { return keyboard_; }
  /// The mouse on the aux port.
  const Ps2Mouse& mouse() const { return mouse_; }
  /// The IRQ 1 output (keyboard data in the output buffer).
  const machine::IrqLine& irq1() const { return irq1_; }
  /// The IRQ 12 output (aux data in the output buffer).
  const machine::IrqLine& irq12() const { return irq12_; }

 private:
  /// Routes one port to ReadData/WriteData or ReadStatus/WriteCommand.
  class Port : public machine::IoHandler {
   public:
    Port(I8042& owner, bool command) : owner_(owner), command_(command) {}
    uint64_t Read(uint64_t offset, unsigned size) override;
    void Write(uint64_t offset, unsigned size, uint64_t value) override;

   private:
    I8042& owner_;
    bool command_;
  };

  /// What the next port 0x60 write is for.
  enum class Pending { kNone, kRam, kOutputPort, kKbdOutput, kAuxOutput, kAuxDevice };

  void QueueControllerByte(uint8_t value, bool aux) { controller_out_.emplace_back(value, aux); }
  void WriteOutputPort(uint8_t value);
  void Refill();
  void UpdateIrqs();

  Port data_port_{*this, false};
  Port command_port_{*this, true};
  machine::IrqLine irq1_;
  machine::IrqLine irq12_;
  std::function<void()> on_reset_;
  std::function<void(bool)> on_a20_;
  Ps2Keyboard keyboard_;
  Ps2Mouse mouse_;
  Set1Translator translator_;
  std::deque<std::pair<uint8_t, bool>> controller_out_;  // replies; bool = as aux data
  uint8_t ram_[32] = {};
  uint8_t output_port_ = kPowerOnOutputPort;
  uint8_t out_ = 0;
  bool obf_ = false;
  bool out_aux_ = false;
  bool sys_ = false;
  bool a2_ = false;
  Pending pending_ = Pending::kNone;
  uint8_t pending_ram_index_ = 0;
};

}  // namespace vireo::devices
