#pragma once
// Routes ISA interrupt lines to the interrupt controllers. Today that is the 8259 pair; the IOAPIC
// joins later (ISA IRQ0 then lands on IOAPIC pin 2 per the MP spec's default override), and PCI
// INTx lines are routed through the PIIX PIRQ registers to ISA IRQs.

#include <vector>

#include "machine/irq.h"

namespace vireo::machine {

/// Fans ISA IRQ levels out to every attached controller.
class IrqRouter : public IrqSink {
 public:
  static constexpr unsigned kIsaIrqs = 16;

  /// Attaches a controller; `pin_for_isa[i]` is the controller input for ISA IRQ i (-1: none).
  void Attach(IrqSink* controller, std::vector<int> pin_for_isa);
  /// A line a device drives for ISA IRQ `irq` (0..15).
  IrqLine IsaLine(unsigned irq) { return IrqLine(this, irq); }
  void SetIrqLevel(unsigned line, bool level) override;

 private:
  struct Target {
    IrqSink* sink;
    std::vector<int> pins;
  };
  std::vector<Target> targets_;
};

}  // namespace vireo::machine
