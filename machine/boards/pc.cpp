#include "machine/boards/pc.h"

#include <algorithm>

#include "devices/acpi_pm/acpi_pm.h"
#include "devices/chardev/char_backend.h"
#include "devices/chardev/char_backend_factory.h"
#include "devices/chardev/null_backend.h"
#include "devices/cmos_rtc/cmos_rtc.h"
#include "devices/debug_exit/debug_exit.h"
#include "devices/i8042/i8042.h"
#include "devices/i8254/pit8254.h"
#include "devices/i8254/port61.h"
#include "devices/i8259/pic_pair.h"
#include "devices/sysctl/sysctl.h"
#include "devices/uart16550/uart16550.h"
#include "machine/error.h"

namespace vireo::machine {

PcLayout PcLayout::For(uint64_t ram_bytes) {
  PcLayout l;
  l.low_ram = std::min(ram_bytes, kLowRamLimit);
  l.high_ram = ram_bytes - l.low_ram;
  return l;
}

PcMachine::PcMachine(const MachineSpec& spec)
    : spec_(spec), layout_(PcLayout::For(spec.ram_bytes)), event_loop_(clock_, lock_) {
  if (spec_.cpus != 1)
    throw Error("-smp " + std::to_string(spec_.cpus) + ": only 1 vCPU is supported so far");
  BuildMemory();
  BuildDevices();
}

PcMachine::~PcMachine() { event_loop_.Stop(); }

size_t PcMachine::device_count() const {
  // PIC pair, PIT, port 0x61, RTC, i8042, port 0x92, 0xCF9, debug console, plus the lists.
  return 8 + uarts_.size() + debug_exits_.size();
}

void PcMachine::BuildMemory() {
  ram_ = std::make_unique<GuestRam>(spec_.ram_bytes);
  memory_.AddRam(0, layout_.low_ram, ram_->data(), "ram-below-4g");
  if (layout_.high_ram != 0)
    memory_.AddRam(PcLayout::kHighRamBase, layout_.high_ram, ram_->data() + layout_.low_ram,
                   "ram-above-4g");
}

void PcMachine::BuildDevices() {
  using namespace devices;
  Bus& io = memory_.ports();

  // Interrupt controllers first: every other device gets its IRQ line from the router.
  pic_ = std::make_unique<PicPair>();
  std::vector<int> identity(IrqRouter::kIsaIrqs);
  for (unsigned i = 0; i < IrqRouter::kIsaIrqs; ++i) identity[i] = static_cast<int>(i);
  irqs_.Attach(pic_.get(), identity);
  io.Map(PicPair::kMasterBase, PicPair::kPortCount, &pic_->MasterIo(), "pic-master",
         PicPair::kAccessSizes);
  io.Map(PicPair::kSlaveBase, PicPair::kPortCount, &pic_->SlaveIo(), "pic-slave",
         PicPair::kAccessSizes);
  io.Map(PicPair::kElcrBase, PicPair::kPortCount, &pic_->ElcrIo(), "elcr", PicPair::kAccessSizes);

  pit_ = std::make_unique<Pit8254>(clock_, irqs_.IsaLine(0));
  io.Map(Pit8254::kBasePort, Pit8254::kPortCount, pit_.get(), "pit", Pit8254::kAccessSizes);
  port61_ = std::make_unique<Port61>(*pit_, clock_);
  io.Map(Port61::kPort, Port61::kPortCount, port61_.get(), "port61", Port61::kAccessSizes);

  rtc_ = std::make_unique<CmosRtc>(clock_, irqs_.IsaLine(8));
  CmosConfig cmos;
  cmos.ram_below_4g = layout_.low_ram;
  cmos.ram_above_4g = layout_.high_ram;
  cmos.cpu_count = spec_.cpus;
  rtc_->ApplyConfig(cmos);
  io.Map(CmosRtc::kBasePort, CmosRtc::kPortCount, rtc_.get(), "rtc", CmosRtc::kAccessSizes);

  // Reset sources and the two A20 gates (i8042 output port bit 1 OR port 0x92 bit 1).
  auto reset = [this] { RequestReset(); };
  auto a20 = [this](bool) { UpdateA20(); };
  i8042_ = std::make_unique<I8042>(irqs_.IsaLine(1), irqs_.IsaLine(12), reset, a20);
  io.Map(I8042::kDataPort, 1, &i8042_->data_port(), "i8042-data", I8042::kAccessSizes);
  io.Map(I8042::kCommandPort, 1, &i8042_->command_port(), "i8042-command", I8042::kAccessSizes);
  port92_ = std::make_unique<Port92>(reset, a20);
  io.Map(Port92::kPort, 1, port92_.get(), "port92", Port92::kAccessSizes);
  reset_control_ = std::make_unique<ResetControl>(reset);
  io.Map(ResetControl::kPort, 1, reset_control_.get(), "reset-control", ResetControl::kAccessSizes);
  UpdateA20();

  fpu_error_ = std::make_unique<FpuErrorLatch>(irqs_.IsaLine(13));
  io.Map(FpuErrorLatch::kPort, 1, fpu_error_.get(), "fpu-error", FpuErrorLatch::kAccessSizes);

  // ACPI PM1 and PM timer registers (the FADT of machine/loaders/acpi_tables points here):
  // entering S5 powers the machine off and Vireo exits with status 0.
  acpi_pm_ =
      std::make_unique<AcpiPm>([this] { return clock_.NowNs(); }, [this] { RequestExit(0); });
  io.Map(AcpiPm::kDefaultBase, AcpiPm::kPortCount, acpi_pm_.get(), "acpi-pm", AcpiPm::kAccessSizes);

  // Serial ports: COM1..COM4 in -serial order (QEMU's default: COM1 on the terminal).
  auto quit = [this] { RequestExit(0); };
  std::vector<std::string> serial = spec_.EffectiveSerial();
  if (std::count(serial.begin(), serial.end(), "stdio") > 1)
    throw Error("only one -serial can use stdio");
  for (size_t i = 0; i < serial.size(); ++i) {
    if (serial[i] == "none") continue;
    backends_.push_back(MakeCharBackend(serial[i], event_loop_, quit));
    const UartPlacement& place = kComPorts[i];
    uarts_.push_back(
        std::make_unique<Uart16550>(clock_, *backends_.back(), irqs_.IsaLine(place.irq)));
    io.Map(place.base, Uart16550::kPortCount, uarts_.back().get(), "serial" + std::to_string(i),
           Uart16550::kAccessSizes);
  }

  for (const DebugExitSpec& d : spec_.debug_exits) {
    debug_exits_.push_back(std::make_unique<IsaDebugExit>(
        [this](int status) { RequestExit(status); }, d.iobase, d.iosize));
    io.Map(d.iobase, d.iosize, debug_exits_.back().get(), "isa-debug-exit",
           IsaDebugExit::kAccessSizes);
  }

  // The 0xE9 console (-debugcon) and SeaBIOS's 0x402 log port share one device.
  std::string debugcon = spec_.debugcon.empty() ? "null" : spec_.debugcon;
  if (debugcon == "stdio" && std::count(serial.begin(), serial.end(), "stdio") > 0)
    throw Error("-debugcon stdio: the terminal is already used by a serial port (use file:PATH)");
  backends_.push_back(MakeCharBackend(debugcon, event_loop_, quit));
  debugcon_ = std::make_unique<DebugConsole>(backends_.back().get());
  io.Map(0xE9, 1, debugcon_.get(), "debugcon", DebugConsole::kAccessSizes);
  io.Map(0x402, 1, debugcon_.get(), "seabios-debug", DebugConsole::kAccessSizes);
}

void PcMachine::SignalFpuError() { fpu_error_->Signal(); }

void PcMachine::InjectNmi() { nmi_.Pulse(); }

void PcMachine::UpdateA20() {
  bool on = (i8042_ != nullptr && i8042_->a20_enabled()) ||
            (port92_ != nullptr && port92_->a20_enabled());
  memory_.SetA20(on);
}

void PcMachine::RequestExit(int status) {
  {
    std::lock_guard lock(exit_mutex_);
    if (!exit_status_) exit_status_ = status;
  }
  exit_cv_.notify_all();
  if (kick_) kick_();
}

void PcMachine::RequestReset() {
  // -no-reboot turns every reset (i8042, port 0x92, 0xCF9, triple fault) into an exit with
  // status 0, as QEMU does.
  if (spec_.no_reboot) return RequestExit(0);
  reset_requested_ = true;
  if (kick_) kick_();
}

void PcMachine::ResetDevices() {
  std::lock_guard lock(lock_);
  pic_->Reset();
  pit_->Reset();
  port61_->Reset();
  i8042_->Reset();
  for (auto& u : uarts_) u->Reset();
  UpdateA20();
}

int PcMachine::WaitForExit() {
  std::unique_lock lock(exit_mutex_);
  exit_cv_.wait(lock, [this] { return exit_status_.has_value(); });
  return *exit_status_;
}

bool PcMachine::exit_requested() const {
  std::lock_guard lock(exit_mutex_);
  return exit_status_.has_value();
}

}  // namespace vireo::machine
