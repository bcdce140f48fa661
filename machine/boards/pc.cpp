#include "machine/boards/pc.h"

#include "devices/chardev/char_backend.h"
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

void PcMachine::BuildMemory() {
  ram_ = std::make_unique<GuestRam>(spec_.ram_bytes);
  memory_.AddRam(0, layout_.low_ram, ram_->data(), "ram-below-4g");
  if (layout_.high_ram != 0)
    memory_.AddRam(PcLayout::kHighRamBase, layout_.high_ram, ram_->data() + layout_.low_ram,
                   "ram-above-4g");
}

void PcMachine::BuildDevices() {}

void PcMachine::RequestExit(int status) {
  {
    std::lock_guard lock(exit_mutex_);
    if (!exit_status_) exit_status_ = status;
  }
  exit_cv_.notify_all();
}

void PcMachine::RequestReset() {
  // Without a CPU to restart, a reset ends the run the way -no-reboot does (QEMU exits 0).
  RequestExit(0);
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
