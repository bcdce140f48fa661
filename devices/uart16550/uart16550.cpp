#include "devices/uart16550/uart16550.h"

namespace vireo::devices {

namespace {

// Register offsets (PC16550D datasheet, Table II). Offsets 0 and 1 become DLL/DLM when LCR.DLAB=1.
constexpr unsigned kRegData = 0;  // RBR (read) / THR (write) / DLL
constexpr unsigned kRegIer = 1;   // IER / DLM
constexpr unsigned kRegIir = 2;   // IIR (read) / FCR (write)
constexpr unsigned kRegLcr = 3;
constexpr unsigned kRegMcr = 4;
constexpr unsigned kRegLsr = 5;
constexpr unsigned kRegMsr = 6;
constexpr unsigned kRegScr = 7;

// IER bits.
constexpr uint8_t kIerRxData = 0x01;       // ERBFI
constexpr uint8_t kIerThre = 0x02;         // ETBEI
constexpr uint8_t kIerLineStatus = 0x04;   // ELSI
constexpr uint8_t kIerModemStatus = 0x08;  // EDSSI
constexpr uint8_t kIerMask = 0x0F;         // Bits 7:4 are always 0 on the 16550A.

// IIR identification codes (Table V), in priority order.
constexpr uint8_t kIirNone = 0x01;
constexpr uint8_t kIirLineStatus = 0x06;
constexpr uint8_t kIirRxData = 0x04;
constexpr uint8_t kIirCharTimeout = 0x0C;
constexpr uint8_t kIirThre = 0x02;
constexpr uint8_t kIirModemStatus = 0x00;
constexpr uint8_t kIirFifoEnabled = 0xC0;

// FCR bits.
constexpr uint8_t kFcrEnable = 0x01;
constexpr uint8_t kFcrResetRx = 0x02;
constexpr size_t kRxTriggerLevels[4] = {1, 4, 8, 14};  // FCR bits 7:6.

// LCR bits.
constexpr uint8_t kLcrBreak = 0x40;
constexpr uint8_t kLcrDlab = 0x80;

// MCR bits.
constexpr uint8_t kMcrDtr = 0x01;
constexpr uint8_t kMcrRts = 0x02;
constexpr uint8_t kMcrOut1 = 0x04;
constexpr uint8_t kMcrOut2 = 0x08;
constexpr uint8_t kMcrLoop = 0x10;
constexpr uint8_t kMcrMask = 0x1F;  // Bits 7:5 are always 0.

// LSR bits.
constexpr uint8_t kLsrDataReady = 0x01;
constexpr uint8_t kLsrOverrun = 0x02;
constexpr uint8_t kLsrBreak = 0x10;
constexpr uint8_t kLsrErrorBits = 0x1E;  // OE, PE, FE, BI: the line-status interrupt sources.
constexpr uint8_t kLsrThre = 0x20;
constexpr uint8_t kLsrTemt = 0x40;
constexpr uint8_t kLsrFifoError = 0x80;

// MSR bits.
constexpr uint8_t kMsrDcts = 0x01;
constexpr uint8_t kMsrDdsr = 0x02;
constexpr uint8_t kMsrTeri = 0x04;
constexpr uint8_t kMsrDdcd = 0x08;
constexpr uint8_t kMsrCts = 0x10;
constexpr uint8_t kMsrDsr = 0x20;
constexpr uint8_t kMsrRi = 0x40;
constexpr uint8_t kMsrDcd = 0x80;
// What the host side looks like on the modem inputs: a connected peer with carrier (as a null
// modem cable to a terminal), ring idle.
constexpr uint8_t kMsrExternalLines = kMsrCts | kMsrDsr | kMsrDcd;

// A character is start + 8 data + stop bits; the timeout is four character times (datasheet,
// "FIFO Interrupt Mode Operation").
constexpr int64_t kBitsPerChar = 10;
constexpr int64_t kTimeoutChars = 4;

}  // namespace

Uart16550::Uart16550(machine::VirtualClock& clock, CharBackend& backend, machine::IrqLine irq)
    : backend_(backend), irq_(irq), timeout_timer_(clock, [this] { OnTimeout(); }) {
  Reset();
  backend_.SetReceiver([this](std::span<const uint8_t> bytes) { return Accept(bytes); });
}

Uart16550::~Uart16550() { backend_.SetReceiver(nullptr); }

int64_t Uart16550::CharTimeNs() const {
  // A divisor of 0 is not a valid setting; treat it as the fastest rate instead of dividing by 0.
  int64_t div = divisor() == 0 ? 1 : divisor();
  return kBitsPerChar * 16 * div * 1'000'000'000 / kInputClockHz;
}

void Uart16550::Reset() {
  ier_ = 0;
  lcr_ = 0;
  mcr_ = 0;
  fifo_enabled_ = false;
  rx_trigger_ = 1;
  ClearRx();
  lsr_errors_ = 0;
  thre_pending_ = false;
  msr_lines_ = ModemLines();
  msr_deltas_ = 0;
  if (irq_.level()) irq_.Lower();
  WakeBackendIfBlocked();
}

uint64_t Uart16550::Read(uint64_t offset, unsigned size) {
  uint64_t value = 0;
  for (unsigned i = 0; i < size; ++i) {
    uint64_t reg = offset + i;
    uint8_t byte = reg < kPortCount ? ReadRegister(static_cast<unsigned>(reg)) : 0xFF;
    value |= static_cast<uint64_t>(byte) << (8 * i);
  }
  return value;
}

void Uart16550::Write(uint64_t offset, unsigned size, uint64_t value) {
  for (unsigned i = 0; i < size; ++i) {
    uint64_t reg = offset + i;
    if (reg < kPortCount) WriteRegister(static_cast<unsigned>(reg), (value >> (8 * i)) & 0xFF);
  }
}

uint8_t Uart16550::ReadRegister(unsigned reg) {
  bool dlab = (lcr_ & kLcrDlab) != 0;
  switch (reg) {
    case kRegData:
      return dlab ? dll_ : ReadRbr();
    case kRegIer:
      return dlab ? dlm_ : ier_;
    case kRegIir:
      return ReadIir();
    case kRegLcr:
      return lcr_;
    case kRegMcr:
      return mcr_;
    case kRegLsr:
      return ReadLsr();
    case kRegMsr:
      return ReadMsr();
    case kRegScr:
      return scr_;
  }
  return 0xFF;
}

void Uart16550::WriteRegister(unsigned reg, uint8_t value) {
  bool dlab = (lcr_ & kLcrDlab) != 0;
  switch (reg) {
    case kRegData:
      if (dlab) {
        dll_ = value;
      } else {
        WriteThr(value);
      }
      break;
    case kRegIer:
      if (dlab) {
        dlm_ = value;
      } else {
        WriteIer(value);
      }
      break;
    case kRegIir:
      WriteFcr(value);
      break;
    case kRegLcr:
      WriteLcr(value);
      break;
    case kRegMcr:
      WriteMcr(value);
      break;
    case kRegScr:
      scr_ = value;
      break;
    default:
      break;  // LSR and MSR writes are a factory test mode on real parts; ignored.
  }
}

uint8_t Uart16550::ReadRbr() {
  if (rx_count_ == 0) return rbr_last_;  // The holding register keeps its last character.
  rbr_last_ = rx_[rx_head_].byte;
  rx_head_ = (rx_head_ + 1) % kFifoSize;
  --rx_count_;
  // A character's PE/FE/BI are revealed when it reaches the top of the FIFO (LSR bits 2-4).
  if (rx_count_ > 0) lsr_errors_ |= rx_[rx_head_].errors;
  // Reading the FIFO clears a timeout indication and restarts the timeout count.
  timeout_pending_ = false;
  RestartTimeout();
  UpdateIrq();
  WakeBackendIfBlocked();
  return rbr_last_;
}

uint8_t Uart16550::ReadIir() {
  uint8_t id = PendingInterrupt();
  // Table V: reading IIR clears THRE only when THRE is the source it reports.
  if (id == kIirThre) {
    thre_pending_ = false;
    UpdateIrq();
  }
  return static_cast<uint8_t>(id | (fifo_enabled_ ? kIirFifoEnabled : 0));
}

uint8_t Uart16550::ReadLsr() {
  // Transmission is instantaneous, so THR and the transmit shift register are always empty.
  uint8_t value = kLsrThre | kLsrTemt | lsr_errors_;
  if (rx_count_ > 0) value |= kLsrDataReady;
  if (fifo_enabled_ && fifo_error_) value |= kLsrFifoError;
  lsr_errors_ = 0;
  // LSR7 clears on this read unless more erroneous characters remain in the FIFO.
  fifo_error_ = false;
  for (size_t i = 0; i < rx_count_; ++i) {
    if (rx_[(rx_head_ + i) % kFifoSize].errors != 0) fifo_error_ = true;
  }
  UpdateIrq();
  return value;
}

uint8_t Uart16550::ReadMsr() {
  uint8_t value = msr_lines_ | msr_deltas_;
  msr_deltas_ = 0;  // Reading MSR clears the delta bits and the modem-status interrupt.
  UpdateIrq();
  return value;
}

void Uart16550::WriteThr(uint8_t value) {
  // Writing THR clears the THRE interrupt; the line drops so an edge-triggered PIC sees the
  // next THRE as a new edge.
  thre_pending_ = false;
  UpdateIrq();
  if ((mcr_ & kMcrLoop) != 0) {
    ReceiveChar(value, 0);  // Loopback: SOUT is held marking and TSR feeds RSR internally.
  } else {
    backend_.Write(std::span<const uint8_t>(&value, 1));
  }
  // The character left at once: THR (and the TX FIFO) is empty again.
  thre_pending_ = true;
  UpdateIrq();
}

void Uart16550::WriteIer(uint8_t value) {
  uint8_t old = ier_;
  ier_ = value & kIerMask;
  // Enabling ETBEI while THR is empty raises THRE immediately (rising edge only); Linux's
  // start_tx and its UART_BUG_THRE/TXEN probes rely on this.
  if ((old & kIerThre) == 0 && (ier_ & kIerThre) != 0) thre_pending_ = true;
  UpdateIrq();
}

void Uart16550::WriteFcr(uint8_t value) {
  bool enable = (value & kFcrEnable) != 0;
  // Switching between 16450 and FIFO mode empties the FIFOs.
  if (enable != fifo_enabled_) {
    ClearRx();
    fifo_enabled_ = enable;
  }
  // The other FCR bits are only programmed when FCR0 is set in the same write.
  if (enable) {
    if ((value & kFcrResetRx) != 0) ClearRx();
    // FCR2 (reset TX FIFO) has nothing to discard: the TX FIFO is always empty here.
    rx_trigger_ = kRxTriggerLevels[value >> 6];
  }
  RestartTimeout();
  UpdateIrq();
  WakeBackendIfBlocked();
}

void Uart16550::WriteLcr(uint8_t value) {
  uint8_t old = lcr_;
  lcr_ = value;
  // In loopback a break on the transmitter is seen by the receiver: one zero character with BI.
  if ((mcr_ & kMcrLoop) != 0 && (old & kLcrBreak) == 0 && (value & kLcrBreak) != 0) {
    ReceiveChar(0x00, kLsrBreak);
  }
}

void Uart16550::WriteMcr(uint8_t value) {
  bool was_loop = (mcr_ & kMcrLoop) != 0;
  mcr_ = value & kMcrMask;
  UpdateModemLines();
  UpdateIrq();  // OUT2 may have opened or closed the PC's interrupt gate.
  if (was_loop && (mcr_ & kMcrLoop) == 0) WakeBackendIfBlocked();
}

size_t Uart16550::Accept(std::span<const uint8_t> bytes) {
  size_t taken = 0;
  // In loopback SIN is disconnected; host input waits in the backend until loopback ends.
  if ((mcr_ & kMcrLoop) == 0) {
    while (taken < bytes.size() && rx_count_ < RxCapacity()) ReceiveChar(bytes[taken++], 0);
  }
  if (taken < bytes.size()) rx_blocked_ = true;
  return taken;
}

void Uart16550::ReceiveChar(uint8_t byte, uint8_t errors) {
  if (rx_count_ == RxCapacity()) {
    // LSR1: in FIFO mode the new character is lost; in 16450 mode it overwrites RBR.
    lsr_errors_ |= kLsrOverrun;
    if (!fifo_enabled_) {
      rx_[rx_head_] = {byte, errors};
      lsr_errors_ |= errors;
    }
  } else {
    rx_[(rx_head_ + rx_count_) % kFifoSize] = {byte, errors};
    ++rx_count_;
    if (rx_count_ == 1) lsr_errors_ |= errors;
    if (errors != 0) fifo_error_ = true;
  }
  timeout_pending_ = false;
  RestartTimeout();
  UpdateIrq();
}

bool Uart16550::RxDataInterrupt() const {
  return fifo_enabled_ ? rx_count_ >= rx_trigger_ : rx_count_ > 0;
}

void Uart16550::ClearRx() {
  rx_head_ = 0;
  rx_count_ = 0;
  fifo_error_ = false;
  timeout_pending_ = false;
  timeout_timer_.Cancel();
}

void Uart16550::RestartTimeout() {
  if (fifo_enabled_ && rx_count_ > 0) {
    timeout_timer_.ArmIn(kTimeoutChars * CharTimeNs());
  } else {
    timeout_timer_.Cancel();
  }
}

void Uart16550::OnTimeout() {
  if (!fifo_enabled_ || rx_count_ == 0) return;
  timeout_pending_ = true;
  UpdateIrq();
}

uint8_t Uart16550::ModemLines() const {
  if ((mcr_ & kMcrLoop) == 0) return kMsrExternalLines;
  // Loopback wiring (datasheet, MCR bit 4): DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD.
  uint8_t lines = 0;
  if ((mcr_ & kMcrDtr) != 0) lines |= kMsrDsr;
  if ((mcr_ & kMcrRts) != 0) lines |= kMsrCts;
  if ((mcr_ & kMcrOut1) != 0) lines |= kMsrRi;
  if ((mcr_ & kMcrOut2) != 0) lines |= kMsrDcd;
  return lines;
}

void Uart16550::UpdateModemLines() {
  uint8_t lines = ModemLines();
  uint8_t changed = lines ^ msr_lines_;
  if ((changed & kMsrCts) != 0) msr_deltas_ |= kMsrDcts;
  if ((changed & kMsrDsr) != 0) msr_deltas_ |= kMsrDdsr;
  if ((changed & kMsrDcd) != 0) msr_deltas_ |= kMsrDdcd;
  // TERI is the trailing edge of ring: RI going from on to off.
  if ((msr_lines_ & kMsrRi) != 0 && (lines & kMsrRi) == 0) msr_deltas_ |= kMsrTeri;
  msr_lines_ = lines;
}

uint8_t Uart16550::PendingInterrupt() const {
  // Table V priorities: line status > RX data / char timeout > THRE > modem status.
  if ((ier_ & kIerLineStatus) != 0 && (lsr_errors_ & kLsrErrorBits) != 0) return kIirLineStatus;
  if ((ier_ & kIerRxData) != 0) {
    if (RxDataInterrupt()) return kIirRxData;
    if (timeout_pending_) return kIirCharTimeout;
  }
  if ((ier_ & kIerThre) != 0 && thre_pending_) return kIirThre;
  if ((ier_ & kIerModemStatus) != 0 && msr_deltas_ != 0) return kIirModemStatus;
  return kIirNone;
}

void Uart16550::UpdateIrq() {
  // On the PC the INTR pin reaches the ISA bus through a buffer enabled by OUT2.
  bool level = PendingInterrupt() != kIirNone && (mcr_ & kMcrOut2) != 0;
  if (level != irq_.level()) irq_.Set(level);
}

void Uart16550::WakeBackendIfBlocked() {
  if (!rx_blocked_ || (mcr_ & kMcrLoop) != 0 || rx_count_ >= RxCapacity()) return;
  rx_blocked_ = false;
  backend_.ReceiverReady();  // May re-enter Accept() at once; all state is consistent here.
}

}  // namespace vireo::devices
