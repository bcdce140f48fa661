#pragma once
// The translator as an accelerator: one vCPU thread running x86::Cpu against the pc board.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "accel/accelerator.h"
#include "accel/dbt/dbt_options.h"
#include "cpu/x86/cpu.h"
#include "machine/irq.h"
#include "machine/loaders/firmware.h"

namespace vireo::accel {

/// One x86 vCPU on the DBT, wired to the board's PIC and memory.
class DbtAccelerator final : public Accelerator, private machine::IrqSink {
 public:
  explicit DbtAccelerator(machine::PcMachine& machine);
  ~DbtAccelerator() override;
  std::string Name() const override { return "dbt"; }
  void Start() override;
  void Stop() override;
  x86::Cpu& cpu() { return cpu_; }

 private:
  /// The CPU's input pins as IrqSink lines: INTR from the PIC, and NMI.
  static constexpr unsigned kIntrLine = 0, kNmiLine = 1;
  /// INTR sets or clears the CPU's pending-interrupt bit; a rising NMI edge makes an NMI
  /// pending. Both wake a halted vCPU.
  void SetIrqLevel(unsigned line, bool level) override;
  /// Puts the CPU in its boot state: reset vector, firmware, or a directly loaded kernel.
  void Boot();
  void Loop();

  machine::PcMachine& machine_;
  DbtOptions options_;
  x86::Cpu cpu_;
  bool reported_ = false;
  std::unique_ptr<loaders::FirmwareRom> firmware_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  /// stats=on: samples where the vCPU is every millisecond (time per tier).
  std::thread sampler_;
  double sampled_seconds_ = 0;
  int triple_faults_ = 0;
  std::mutex wake_mutex_;
  std::condition_variable wake_;
};

}  // namespace vireo::accel
