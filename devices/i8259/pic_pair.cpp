#include "devices/i8259/pic_pair.h"

namespace vireo::devices {

namespace {
constexpr uint8_t kElcrMasks[2] = {PicPair::kElcr1Mask, PicPair::kElcr2Mask};
constexpr uint8_t kFloatingBus = 0xFF;  // nothing drives the data bus during the INTA cycle
}  // namespace

PicPair::PicPair(machine::IrqLine int_output)
    : master_(true), slave_(false), int_output_(int_output) {
  // The slave's INT pin drives master IR2, which the PIIX keeps edge-triggered: the master latches
  // the rising edge, so a slave request that vanishes before INTA becomes a spurious IRQ15.
  slave_.SetIntCallback([this](bool level) { master_.SetInput(kCascadeIr, level); });
  master_.SetIntCallback([this](bool level) { int_output_.Set(level); });
}

void PicPair::SetIntOutput(machine::IrqLine int_output) {
  int_output_ = int_output;
  int_output_.Set(master_.IntOutput());
}

void PicPair::Reset() {
  elcr_bits_[0] = 0;
  elcr_bits_[1] = 0;
  slave_.Reset();
  master_.Reset();
  master_.SetInput(kCascadeIr, slave_.IntOutput());
}

void PicPair::SetIrqLevel(unsigned line, bool level) {
  // On the AT the ISA bus pin called IRQ2 is rewired to IRQ9; the router delivers it as 9, and
  // master IR2 itself belongs to the slave's INT.
  if (line < 8) {
    if (line != kCascadeIr) master_.SetInput(line, level);
  } else if (line < 16) {
    slave_.SetInput(line - 8, level);
  }
}

uint8_t PicPair::Acknowledge() {
  const Pic8259::Ack master = master_.Acknowledge();
  if (master.spurious || !master_.IsCascade(master.level)) return master_.Vector(master.level);
  // Cascade: the master has put IR2 in service and sends the cascade address on CAS2..0; the
  // slave whose ICW3 ID matches answers the second INTA with its own vector. A slave whose request
  // vanished answers with its IR7 vector (spurious IRQ15), leaving master IR2 in service.
  if (slave_.SlaveId() != master.level) return kFloatingBus;
  const Pic8259::Ack slave = slave_.Acknowledge();
  // The slave re-resolves after the INTA sequence; if it still has a deliverable request (AEOI, or
  // a level it did not consume) its INT is raised anew, and the edge-sensitive IR2 must see that
  // as a new edge or the request would wait for an unrelated INT transition.
  if (slave_.IntOutput()) {
    master_.SetInput(kCascadeIr, false);
    master_.SetInput(kCascadeIr, true);
  }
  return slave_.Vector(slave.level);
}

void PicPair::SetElcr(unsigned index, uint8_t value) {
  elcr_bits_[index] = value & kElcrMasks[index];
  (index == 0 ? master_ : slave_).SetLevelTriggered(elcr_bits_[index]);
}

uint64_t PicPair::Elcr::Read(uint64_t offset, unsigned size) {
  uint64_t value = 0;
  for (unsigned i = 0; i < size && offset + i < 2; ++i) {
    value |= static_cast<uint64_t>(pair_.elcr_bits_[offset + i]) << (8 * i);
  }
  return value;
}

void PicPair::Elcr::Write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size && offset + i < 2; ++i) {
    pair_.SetElcr(static_cast<unsigned>(offset + i), static_cast<uint8_t>(value >> (8 * i)));
  }
}

}  // namespace vireo::devices
