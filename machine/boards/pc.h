#pragma once
// The PC board: explicit wiring of RAM, the legacy ISA devices and (later) PCI, in one place, so
// reading this file tells what the machine is. The layout follows QEMU's i440FX "pc" machine,
// which is what SeaBIOS and Linux expect.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "machine/address_space.h"
#include "machine/clock.h"
#include "machine/event_loop.h"
#include "machine/guest_ram.h"
#include "machine/irq_router.h"
#include "machine/machine_spec.h"

namespace vireo::devices {
class AcpiPm;
class CharBackend;
class CmosRtc;
class DebugConsole;
class FpuErrorLatch;
class I8042;
class IsaDebugExit;
class PicPair;
class Pit8254;
class Port61;
class Port92;
class ResetControl;
class Uart16550;
}  // namespace vireo::devices

namespace vireo::machine {

/// Guest-physical layout of the pc board.
struct PcLayout {
  static constexpr uint64_t kLowRamLimit = 0xE000'0000;  ///< PCI hole from 3.5 GiB, as QEMU pc
  static constexpr uint64_t kHighRamBase = 0x1'0000'0000;
  uint64_t low_ram = 0;   ///< bytes of RAM below 4 GiB
  uint64_t high_ram = 0;  ///< bytes of RAM from 4 GiB up
  static PcLayout For(uint64_t ram_bytes);
};

/// Why the machine stopped.
enum class StopReason { kNone, kExit, kReset, kPowerOff };

/// One PC: memory, devices, the I/O thread and the machine lock.
class PcMachine {
 public:
  explicit PcMachine(const MachineSpec& spec);
  ~PcMachine();
  PcMachine(const PcMachine&) = delete;
  PcMachine& operator=(const PcMachine&) = delete;

  const MachineSpec& spec() const { return spec_; }
  const PcLayout& layout() const { return layout_; }
  AddressSpace& memory() { return memory_; }
  VirtualClock& clock() { return clock_; }
  EventLoop& event_loop() { return event_loop_; }
  IrqRouter& irqs() { return irqs_; }
  /// The machine lock: held by a vCPU inside a device and by the I/O thread in callbacks.
  std::recursive_mutex& lock() { return lock_; }
  GuestRam& ram() { return *ram_; }

  /// Ends the run with host exit status `status` (isa-debug-exit, Ctrl-A x, poweroff).
  void RequestExit(int status);
  /// A reset request (i8042 0xFE, port 0x92, 0xCF9, triple fault): exits with -no-reboot,
  /// otherwise resets the devices and flags the vCPUs to reset.
  void RequestReset();
  /// Blocks until RequestExit; returns the exit status.
  int WaitForExit();
  /// True (once) if a reset was requested since the last call; the vCPU loop resets then.
  bool TakeResetRequest() { return reset_requested_.exchange(false); }
  /// Puts every device in its power-on state (a system reset; the RTC keeps its time).
  void ResetDevices();
  /// Called from any thread when the vCPUs must look at exit/reset requests promptly.
  void SetKickHook(std::function<void()> hook) { kick_ = std::move(hook); }
  /// True once an exit was requested (polled by vCPU loops).
  bool exit_requested() const;
  /// Number of device models on the board (for status messages and tests).
  size_t device_count() const;
  /// The 8259 pair: the CPU acknowledges interrupts here and connects its INTR pin.
  devices::PicPair& pic() { return *pic_; }
  /// Connects the CPU's NMI pin (the accelerator does, at creation).
  void SetNmiOutput(IrqLine line) { nmi_ = line; }
  /// Pulses NMI, as QEMU's monitor command `nmi` does (front panel / watchdog style); the
  /// guest sees vector 2.
  void InjectNmi();
  /// The CPU's FERR# output (x87 error with CR0.NE clear): IRQ13 until port 0xF0 is written.
  void SignalFpuError();

 private:
  void BuildMemory();
  void BuildDevices();

  MachineSpec spec_;
  PcLayout layout_;
  std::recursive_mutex lock_;
  VirtualClock clock_;
  EventLoop event_loop_;
  AddressSpace memory_;
  IrqRouter irqs_;
  std::unique_ptr<GuestRam> ram_;
  void UpdateA20();

  // Devices (destroyed before the RAM and the event loop they reference).
  std::vector<std::unique_ptr<devices::CharBackend>> backends_;
  std::unique_ptr<devices::PicPair> pic_;
  std::unique_ptr<devices::Pit8254> pit_;
  std::unique_ptr<devices::Port61> port61_;
  std::unique_ptr<devices::CmosRtc> rtc_;
  std::unique_ptr<devices::I8042> i8042_;
  std::unique_ptr<devices::Port92> port92_;
  std::unique_ptr<devices::ResetControl> reset_control_;
  std::unique_ptr<devices::AcpiPm> acpi_pm_;
  std::unique_ptr<devices::FpuErrorLatch> fpu_error_;
  std::vector<std::unique_ptr<devices::Uart16550>> uarts_;
  std::vector<std::unique_ptr<devices::IsaDebugExit>> debug_exits_;
  std::unique_ptr<devices::DebugConsole> debugcon_;

  IrqLine nmi_;
  std::atomic<bool> reset_requested_{false};
  std::function<void()> kick_;
  mutable std::mutex exit_mutex_;
  std::condition_variable exit_cv_;
  std::optional<int> exit_status_;
};

}  // namespace vireo::machine
