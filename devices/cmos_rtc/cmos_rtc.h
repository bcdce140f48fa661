#pragma once
// The MC146818A real-time clock and its CMOS NVRAM, at ports 0x70 (index, bit 7 = NMI mask) and
// 0x71 (data). The time registers are not ticked: they are computed from the VirtualClock plus a
// base wall-clock time, so a paused or slow guest reads the right time and date rollovers come
// from one calendar conversion. Timers are armed only for interrupts the guest enabled; the
// Status C flags of disabled sources are derived from the clock when C is read.
//
// Not modelled: DSE (Register B bit 0) is stored but no daylight-saving jumps are made, as the
// time base is UTC; SQWE is stored, a PC has nothing on the SQW pin; the 0x72/0x73 upper bank.
//
// Board wiring: map the device at kBasePort for kPortCount ports with kAccessSizes; connect the
// IrqLine to ISA IRQ 8; call ApplyConfig() once with the machine's RAM/CPU/boot facts.

#include <array>
#include <cstdint>

#include "devices/cmos_rtc/cmos_config.h"
#include "devices/cmos_rtc/rtc_calendar.h"
#include "machine/clock.h"
#include "machine/io_handler.h"
#include "machine/irq.h"

namespace vireo::devices {

/// MC146818A register indices and bits (datasheet "Register A".."Register D").
struct RtcReg {
  static constexpr uint8_t kSeconds = 0x00;
  static constexpr uint8_t kSecondsAlarm = 0x01;
  static constexpr uint8_t kMinutes = 0x02;
  static constexpr uint8_t kMinutesAlarm = 0x03;
  static constexpr uint8_t kHours = 0x04;
  static constexpr uint8_t kHoursAlarm = 0x05;
  static constexpr uint8_t kDayOfWeek = 0x06;
  static constexpr uint8_t kDayOfMonth = 0x07;
  static constexpr uint8_t kMonth = 0x08;
  static constexpr uint8_t kYear = 0x09;
  static constexpr uint8_t kStatusA = 0x0A;
  static constexpr uint8_t kStatusB = 0x0B;
  static constexpr uint8_t kStatusC = 0x0C;
  static constexpr uint8_t kStatusD = 0x0D;
  static constexpr uint8_t kCentury = 0x32;  ///< IBM PC/AT convention (ACPI FADT "century")

  static constexpr uint8_t kAUip = 0x80;          ///< update in progress
  static constexpr uint8_t kADividerMask = 0x70;  ///< DV2..DV0
  static constexpr uint8_t kADividerRun = 0x20;   ///< 010: 32.768 kHz time base, running
  static constexpr uint8_t kARateMask = 0x0F;     ///< RS3..RS0
  static constexpr uint8_t kBSet = 0x80;
  static constexpr uint8_t kBPie = 0x40;
  static constexpr uint8_t kBAie = 0x20;
  static constexpr uint8_t kBUie = 0x10;
  static constexpr uint8_t kBSqwe = 0x08;
  static constexpr uint8_t kBBinary = 0x04;  ///< DM: 1 = binary, 0 = BCD
  static constexpr uint8_t kB24Hour = 0x02;
  static constexpr uint8_t kBDse = 0x01;
  static constexpr uint8_t kCIrqf = 0x80;
  static constexpr uint8_t kCPf = 0x40;
  static constexpr uint8_t kCAf = 0x20;
  static constexpr uint8_t kCUf = 0x10;
  static constexpr uint8_t kDVrt = 0x80;  ///< valid RAM and time: the battery is always good
};

/// MC146818A RTC + 128 bytes of CMOS RAM behind the 0x70/0x71 index/data pair.
class CmosRtc : public machine::IoHandler {
 public:
  static constexpr uint16_t kBasePort = 0x70;                ///< index port; data at +1
  static constexpr uint64_t kPortCount = 2;                  ///< 0x70 and 0x71
  static constexpr machine::AccessSizes kAccessSizes{1, 1};  ///< byte-wide ISA registers
  static constexpr int64_t kUipLeadNs = 244'000;    ///< datasheet tBUC: UIP rises 244 us early
  static constexpr uint8_t kPowerOnStatusA = 0x26;  ///< divider running, 1024 Hz periodic rate
  static constexpr uint8_t kPowerOnStatusB = 0x02;  ///< 24-hour, BCD, no interrupts

  /// `start_unix_seconds` is the wall-clock time the RTC shows at the clock's current instant.
  explicit CmosRtc(machine::VirtualClock& clock, machine::IrqLine irq8 = {},
                   int64_t start_unix_seconds = HostUnixSeconds());
  CmosRtc(const CmosRtc&) = delete;
  CmosRtc& operator=(const CmosRtc&) = delete;

  /// The host's current UTC time in Unix seconds (the default start time).
  static int64_t HostUnixSeconds();

  /// Offset 0 = index port (reads 0xFF: it is write-only), offset 1 = data port.
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Offset 0 selects the register (bits 6:0) and the NMI mask (bit 7); offset 1 writes it.
  void Write(uint64_t offset, unsigned size, uint64_t value) override;

  /// Fills the NVRAM bytes firmware reads (memory sizes, CPU count, boot order, equipment).
  void ApplyConfig(const CmosConfig& config);
  /// Sets the wall-clock time (-rtc base=); the next update is one second from now.
  void SetUnixTime(int64_t unix_seconds);
  /// The time the registers show (the held values while SET = 1), as Unix seconds.
  int64_t UnixTime() const;
  /// A register as the guest would read it, without side effects (Status C is not cleared).
  uint8_t Peek(uint8_t index) const;
  /// True when the last index write had bit 7 set (NMI masked at the chipset).
  bool nmi_disabled() const { return nmi_disabled_; }
  /// The register selected by the last index write.
  uint8_t index() const { return index_; }
  /// The IRQ 8 output.
  const machine::IrqLine& irq() const { return irq_; }

 private:
  bool Running() const;
  bool UpdatesEnabled() const;
  int64_t ChainNs() const;
  void SetChainNs(int64_t chain_ns);
  int64_t ShownSeconds() const;
  uint8_t Encode(int value) const;
  int Decode(uint8_t value) const;
  uint8_t EncodeHour(int hour) const;
  int DecodeHour(uint8_t value) const;
  uint8_t TimeField(const CivilTime& time, uint8_t index) const;
  void StoreTimeField(CivilTime& time, uint8_t index, uint8_t value) const;
  CivilTime HeldTime() const;
  void HoldCurrentTime();
  uint8_t ReadRegister(uint8_t index);
  void WriteRegister(uint8_t index, uint8_t value);
  void WriteStatusA(uint8_t value);
  void WriteStatusB(uint8_t value);
  void WriteTimeField(uint8_t index, uint8_t value);
  int64_t NextAlarmSecond(int64_t after_second) const;
  uint32_t PeriodCycles() const;
  int64_t PeriodicCount(int64_t chain_ns) const;
  int64_t NextPeriodicNs(int64_t chain_ns) const;
  uint8_t PendingFlags() const;
  void Sync();
  void UpdateIrq();
  void Rearm();

  machine::VirtualClock& clock_;
  machine::IrqLine irq_;
  machine::Timer timer_;
  std::array<uint8_t, 128> cmos_{};
  uint8_t index_ = 0;
  bool nmi_disabled_ = false;
  int64_t chain_origin_ns_ = 0;  // divider-chain time (Unix ns) = clock ns + origin, when running
  int64_t frozen_chain_ns_ = 0;  // divider-chain time while the divider is stopped or in reset
  int64_t synced_chain_ns_ = 0;  // Status C flags account for events up to this chain time
  uint8_t flags_ = 0;            // latched PF/AF/UF
  int dow_offset_ = 0;           // guest-set day of week minus the calendar's, mod 7
};

}  // namespace vireo::devices
