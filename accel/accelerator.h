#pragma once
// How guest code runs: the translator (dbt) or, where the host has it, KVM. Both drive the same
// machine (memory, devices, interrupts); main() picks one from -accel.

#include <memory>
#include <string>

#include "machine/boards/pc.h"

namespace vireo::accel {

/// Runs a machine's vCPUs until the machine asks to exit.
class Accelerator {
 public:
  virtual ~Accelerator() = default;
  /// "dbt" or "kvm".
  virtual std::string Name() const = 0;
  /// Starts the vCPU thread(s); returns at once.
  virtual void Start() = 0;
  /// Asks the vCPUs to stop and joins them (idempotent).
  virtual void Stop() = 0;
};

/// The accelerator -accel names (auto: KVM if /dev/kvm is usable, else the translator). Throws
/// vireo::Error for one that cannot be used here.
std::unique_ptr<Accelerator> CreateAccelerator(machine::PcMachine& machine);

}  // namespace vireo::accel
