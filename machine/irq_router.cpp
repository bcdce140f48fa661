#include "machine/irq_router.h"

namespace vireo::machine {

void IrqRouter::Attach(IrqSink* controller, std::vector<int> pin_for_isa) {
  pin_for_isa.resize(kIsaIrqs, -1);
  targets_.push_back({controller, std::move(pin_for_isa)});
}

void IrqRouter::SetIrqLevel(unsigned line, bool level) {
  if (line >= kIsaIrqs) return;
  for (Target& t : targets_) {
    int pin = t.pins[line];
    if (pin >= 0) t.sink->SetIrqLevel(static_cast<unsigned>(pin), level);
  }
}

}  // namespace vireo::machine
