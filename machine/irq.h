#pragma once
// Interrupt wiring. A device owns IrqLine objects; a line delivers level changes to an IrqSink
// (a PIC, an IOAPIC, an IrqRouter fanning out to both, or a CPU's INTR pin).

#include <cstdint>

namespace vireo::machine {

/// Receives level changes of numbered input lines.
class IrqSink {
 public:
  virtual ~IrqSink() = default;
  /// Line `line` is now at `level` (true = asserted).
  virtual void SetIrqLevel(unsigned line, bool level) = 0;
};

/// One wire from a device to a sink; an unconnected line ignores changes (useful in tests).
class IrqLine {
 public:
  IrqLine() = default;
  IrqLine(IrqSink* sink, unsigned line) : sink_(sink), line_(line) {}

  /// Drives the line to `level`; repeated equal levels are forwarded (level-triggered sinks
  /// re-evaluate), the sink decides what an edge is.
  void Set(bool level) {
    level_ = level;
    if (sink_ != nullptr) sink_->SetIrqLevel(line_, level);
  }
  void Raise() { Set(true); }
  void Lower() { Set(false); }
  /// A low-high-low edge, as ISA edge-triggered devices (PIT OUT0 in some modes) produce.
  void Pulse() {
    Set(true);
    Set(false);
  }
  bool level() const { return level_; }
  bool connected() const { return sink_ != nullptr; }
  unsigned number() const { return line_; }

 private:
  IrqSink* sink_ = nullptr;
  unsigned line_ = 0;
  bool level_ = false;
};

/// An interrupt controller the CPU can acknowledge (the 8259 pair; later the local APIC).
class InterruptController {
 public:
  virtual ~InterruptController() = default;
  /// The INTA cycle: returns the vector to deliver and updates in-service state.
  virtual uint8_t Acknowledge() = 0;
};

}  // namespace vireo::machine
