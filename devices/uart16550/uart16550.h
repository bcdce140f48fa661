#pragma once
// The National Semiconductor PC16550D UART, the PC's COM port. Transmission is instantaneous
// (the THR empties the moment it is written), reception is paced by the guest draining the RX
// FIFO, and only the character-timeout interrupt needs the clock. Register behaviour follows the
// PC16550D datasheet (Table II register summary, Table IV reset, Table V interrupt control).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "devices/chardev/char_backend.h"
#include "machine/clock.h"
#include "machine/io_handler.h"
#include "machine/irq.h"

namespace vireo::devices {

/// Where a COM port sits on a PC: its 8-port I/O base and its ISA IRQ.
struct UartPlacement {
  uint16_t base;  ///< First of the 8 I/O ports.
  unsigned irq;   ///< ISA IRQ line.
};

/// The conventional BIOS placements of COM1..COM4 (COM3/COM4 share IRQ4/IRQ3 with COM1/COM2).
inline constexpr UartPlacement kComPorts[4] = {
    {0x3F8, 4},
    {0x2F8, 3},
    {0x3E8, 4},
    {0x2E8, 3},
};

/// A 16550A UART: an IoHandler over 8 consecutive ports.
class Uart16550 final : public machine::IoHandler {
 public:
  /// Number of I/O ports the UART decodes.
  static constexpr unsigned kPortCount = 8;
  /// The registers are 8 bits wide; wider accesses are split by the bus.
  static constexpr machine::AccessSizes kAccessSizes{1, 1};
  /// Depth of the RX and TX FIFOs (PC16550D: 16 bytes each).
  static constexpr size_t kFifoSize = 16;
  /// The PC's UART crystal, 1.8432 MHz; the baud rate is this / 16 / divisor.
  static constexpr int64_t kInputClockHz = 1'843'200;

  /// Wires the UART to `backend` (it becomes the backend's receiver) and to `irq`.
  Uart16550(machine::VirtualClock& clock, CharBackend& backend, machine::IrqLine irq);
  /// Detaches from the backend so it never calls into a destroyed UART.
  ~Uart16550() override;
  Uart16550(const Uart16550&) = delete;
  Uart16550& operator=(const Uart16550&) = delete;

  /// Reads register `offset` (0..7); multi-byte reads read consecutive registers.
  uint64_t Read(uint64_t offset, unsigned size) override;
  /// Writes register `offset` (0..7); multi-byte writes write consecutive registers.
  void Write(uint64_t offset, unsigned size, uint64_t value) override;

  /// Master reset (datasheet Table IV): divisor latch and scratch keep their values.
  void Reset();

  /// The baud divisor from DLL/DLM.
  uint16_t divisor() const { return static_cast<uint16_t>(dll_ | (dlm_ << 8)); }
  /// Duration of one 10-bit character at the current divisor, in ns.
  int64_t CharTimeNs() const;
  /// Bytes waiting in the RX FIFO (or RBR in 16450 mode).
  size_t rx_count() const { return rx_count_; }

 private:
  struct RxEntry {
    uint8_t byte = 0;
    uint8_t errors = 0;  // LSR PE/FE/BI bits that belong to this character.
  };

  uint8_t ReadRegister(unsigned reg);
  void WriteRegister(unsigned reg, uint8_t value);

  uint8_t ReadRbr();
  uint8_t ReadIir();
  uint8_t ReadLsr();
  uint8_t ReadMsr();
  void WriteThr(uint8_t value);
  void WriteIer(uint8_t value);
  void WriteFcr(uint8_t value);
  void WriteLcr(uint8_t value);
  void WriteMcr(uint8_t value);

  size_t Accept(std::span<const uint8_t> bytes);
  void ReceiveChar(uint8_t byte, uint8_t errors);
  size_t RxCapacity() const { return fifo_enabled_ ? kFifoSize : 1; }
  bool RxDataInterrupt() const;
  void ClearRx();
  void RestartTimeout();
  void OnTimeout();
  uint8_t ModemLines() const;
  void UpdateModemLines();
  uint8_t PendingInterrupt() const;
  void UpdateIrq();
  void WakeBackendIfBlocked();

  CharBackend& backend_;
  machine::IrqLine irq_;
  machine::Timer timeout_timer_;

  uint8_t dll_ = 0x0C;  // 9600 baud until the guest programs the divisor.
  uint8_t dlm_ = 0;
  uint8_t ier_ = 0;
  uint8_t lcr_ = 0;
  uint8_t mcr_ = 0;
  uint8_t scr_ = 0;
  bool fifo_enabled_ = false;
  size_t rx_trigger_ = 1;

  std::array<RxEntry, kFifoSize> rx_{};
  size_t rx_head_ = 0;
  size_t rx_count_ = 0;
  uint8_t rbr_last_ = 0;
  bool rx_blocked_ = false;  // The backend holds bytes we refused; tell it when room appears.

  uint8_t lsr_errors_ = 0;   // Latched OE/PE/FE/BI, cleared by reading LSR.
  bool fifo_error_ = false;  // LSR bit 7.
  bool thre_pending_ = false;
  bool timeout_pending_ = false;
  uint8_t msr_lines_ = 0;   // MSR bits 7:4.
  uint8_t msr_deltas_ = 0;  // MSR bits 3:0.
};

}  // namespace vireo::devices
