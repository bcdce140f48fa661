#include "devices/acpi_pm/acpi_pm.h"

namespace vireo::devices {

AcpiPm::AcpiPm(std::function<int64_t()> now_ns, std::function<void()> on_power_off)
    : now_ns_(std::move(now_ns)), on_power_off_(std::move(on_power_off)) {}

uint32_t AcpiPm::Timer() const {
  const auto ns = static_cast<unsigned __int128>(now_ns_ ? now_ns_() : 0);
  return static_cast<uint32_t>(ns * kTimerHz / 1000000000u);
}

uint8_t AcpiPm::ReadByte(uint64_t offset) {
  switch (offset) {
    case kEvtOffset:
    case kEvtOffset + 1:
      return static_cast<uint8_t>(sts_ >> (8 * (offset - kEvtOffset)));
    case kEvtOffset + 2:
    case kEvtOffset + 3:
      return static_cast<uint8_t>(en_ >> (8 * (offset - kEvtOffset - 2)));
    case kCntOffset:
    case kCntOffset + 1:
      return static_cast<uint8_t>((cnt_ & ~kSlpEn) >> (8 * (offset - kCntOffset)));
    default:
      return 0xFF;  // the timer is read whole in Read(); other offsets are unassigned
  }
}

uint64_t AcpiPm::Read(uint64_t offset, unsigned size) {
  // The PM timer is one 32-bit register: a split read could tear between two samples.
  if (offset >= kTmrOffset) {
    const uint64_t v = Timer() >> (8 * (offset - kTmrOffset));
    return size >= 8 ? v : v & ((uint64_t{1} << (8 * size)) - 1);
  }
  uint64_t v = 0;
  for (unsigned i = 0; i < size; ++i) v |= uint64_t{ReadByte(offset + i)} << (8 * i);
  return v;
}

void AcpiPm::WriteByte(uint64_t offset, uint8_t value) {
  switch (offset) {
    case kEvtOffset:
    case kEvtOffset + 1:  // status bits are cleared by writing 1 (ACPI 4.8.3.1.1)
      sts_ &= static_cast<uint16_t>(~(value << (8 * (offset - kEvtOffset))));
      break;
    case kEvtOffset + 2:
    case kEvtOffset + 3: {
      const unsigned shift = 8 * (offset - kEvtOffset - 2);
      en_ = static_cast<uint16_t>((en_ & ~(0xFF << shift)) | (value << shift));
      break;
    }
    case kCntOffset:
    case kCntOffset + 1: {
      const unsigned shift = 8 * (offset - kCntOffset);
      cnt_ = static_cast<uint16_t>((cnt_ & ~(0xFF << shift)) | (value << shift));
      cnt_ |= kSciEn;  // no legacy (SMI) mode to return to
      break;
    }
    default:
      break;  // the timer is read-only
  }
}

void AcpiPm::Write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size; ++i) WriteByte(offset + i, static_cast<uint8_t>(value >> (8 * i)));
  if (cnt_ & kSlpEn) {
    // SLP_EN is write-only: the sleep happens now (ACPI 4.8.3.2.1).
    cnt_ &= static_cast<uint16_t>(~kSlpEn);
    const uint16_t type = (cnt_ >> kSlpTypShift) & 7;
    if (type == kSoftOffType && on_power_off_) on_power_off_();
  }
}

}  // namespace vireo::devices
