#pragma once
// Shared fixture for the 8259A pair tests: the CPU's INTR pin, OCW command bytes, and a PicPair
// driven through its port handlers, ISA inputs and the INTA cycle.

#include <doctest/doctest.h>

#include <cstdint>

#include "devices/i8259/pic_pair.h"
#include "machine/irq.h"

namespace vireo::devices::pic_test {

/// The CPU's INTR pin: records the level and counts rising edges.
struct IntrPin : machine::IrqSink {
  bool level = false;
  int rises = 0;
  void SetIrqLevel(unsigned, bool value) override {
    if (value && !level) ++rises;
    level = value;
  }
};

// OCW3 commands (read IRR, read ISR, poll, special mask set/reset) and OCW2 commands.
inline constexpr uint8_t kReadIrr = 0x0A;
inline constexpr uint8_t kReadIsr = 0x0B;
inline constexpr uint8_t kPoll = 0x0C;
inline constexpr uint8_t kSetSpecialMask = 0x68;
inline constexpr uint8_t kResetSpecialMask = 0x48;
inline constexpr uint8_t kEoi = 0x20;
inline constexpr uint8_t kSpecificEoi = 0x60;
inline constexpr uint8_t kRotateEoi = 0xA0;
inline constexpr uint8_t kRotateAeoiSet = 0x80;
inline constexpr uint8_t kRotateAeoiClear = 0x00;
inline constexpr uint8_t kSetPriority = 0xC0;
inline constexpr uint8_t kRotateSpecificEoi = 0xE0;
inline constexpr uint8_t kOcw2Nop = 0x40;

struct Pic {
  PicPair pair;
  IntrPin cpu;
  machine::IrqSink& isa = pair;
  machine::InterruptController& intc = pair;

  Pic() { pair.SetIntOutput(machine::IrqLine(&cpu, 0)); }

  void Master(unsigned port, uint8_t value) { pair.MasterIo().Write(port, 1, value); }
  void Slave(unsigned port, uint8_t value) { pair.SlaveIo().Write(port, 1, value); }
  uint8_t MasterReg(unsigned port) { return static_cast<uint8_t>(pair.MasterIo().Read(port, 1)); }
  uint8_t SlaveReg(unsigned port) { return static_cast<uint8_t>(pair.SlaveIo().Read(port, 1)); }
  uint8_t MasterIsr() {
    Master(0, kReadIsr);
    return MasterReg(0);
  }
  uint8_t MasterIrr() {
    Master(0, kReadIrr);
    return MasterReg(0);
  }
  uint8_t SlaveIsr() {
    Slave(0, kReadIsr);
    return SlaveReg(0);
  }
  uint8_t SlaveIrr() {
    Slave(0, kReadIrr);
    return SlaveReg(0);
  }

  /// The ICW sequence SeaBIOS and Linux use: edge, cascade, ICW4 = 8086 mode (plus `icw4_extra`).
  void Init(uint8_t master_base, uint8_t slave_base, uint8_t master_icw4 = 0x01,
            uint8_t slave_icw4 = 0x01) {
    Master(0, 0x11);
    Master(1, master_base);
    Master(1, 0x04);
    Master(1, master_icw4);
    Slave(0, 0x11);
    Slave(1, slave_base);
    Slave(1, 0x02);
    Slave(1, slave_icw4);
  }
  void Pulse(unsigned irq) {
    isa.SetIrqLevel(irq, true);
    isa.SetIrqLevel(irq, false);
  }
};

}  // namespace vireo::devices::pic_test
