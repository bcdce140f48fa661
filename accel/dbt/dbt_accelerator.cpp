#include "accel/dbt/dbt_accelerator.h"

#include <chrono>
#include <cstdio>
#include <fstream>

#include "devices/i8259/pic_pair.h"
#include "machine/error.h"
#include "machine/loaders/kernel_loader.h"

namespace vireo::accel {

namespace {
/// Guest instructions per Run() call: long enough to amortise the loop, short enough that
/// exit and reset requests are seen within milliseconds.
constexpr uint64_t kSlice = 2'000'000;
/// SeaBIOS as Debian installs it (scripts/setup installs the seabios package); QEMU's pc
/// machine boots the same image when no -bios is given.
constexpr const char* kDefaultBios = "/usr/share/seabios/bios-256k.bin";
}  // namespace

DbtAccelerator::DbtAccelerator(machine::PcMachine& machine)
    : machine_(machine), options_(ParseDbtOptions(machine.spec().accel_props)),
      cpu_(machine.memory()) {
  const machine::MachineSpec& spec = machine.spec();
  loaders::CheckBootOptions({spec.kernel, spec.initrd, spec.append});
  try {
    cpu_.SetTiers(options_.tiers);
  } catch (const std::runtime_error& e) {
    throw Error(std::string("-accel dbt: tier 1 cannot start: ") + e.what() +
                " (tier=interp runs without it)");
  }
  cpu_.deliver_exceptions = true;
  cpu_.interrupt_controller = &machine.pic();
  cpu_.device_lock = &machine.lock();
  cpu_.on_fpu_error = [&machine] {
    std::lock_guard lock(machine.lock());
    machine.SignalFpuError();
  };
  machine.pic().SetIntOutput(machine::IrqLine(this, kIntrLine));
  machine.SetNmiOutput(machine::IrqLine(this, kNmiLine));
  machine.SetKickHook([this] {
    cpu_.state().interrupt_request.fetch_or(x86::kKick);
    std::lock_guard lock(wake_mutex_);
    wake_.notify_all();
  });
  if (!spec.trace.empty()) {
    for (const std::string& t : spec.trace) {
      if (t == "in_asm") cpu_.trace.in_asm = true;
      if (t == "op") cpu_.trace.op = true;
    }
    std::shared_ptr<std::FILE> out(stderr, [](std::FILE*) {});
    if (!spec.trace_file.empty()) {
      std::FILE* f = std::fopen(spec.trace_file.c_str(), "w");
      if (f == nullptr) throw Error("-D " + spec.trace_file + ": cannot open for writing");
      out.reset(f, [](std::FILE* p) { std::fclose(p); });
    }
    cpu_.trace.sink = [out](const std::string& text) { std::fputs(text.c_str(), out.get()); };
  }
  Boot();
}

DbtAccelerator::~DbtAccelerator() {
  Stop();
  machine_.SetKickHook(nullptr);
}

void DbtAccelerator::SetIrqLevel(unsigned line, bool level) {
  if (line == kNmiLine) {
    // The NMI pin is edge-triggered: a rising edge makes one NMI pending.
    if (level) {
      cpu_.RequestNmi();
      std::lock_guard lock(wake_mutex_);
      wake_.notify_all();
    }
    return;
  }
  if (level)
    cpu_.state().interrupt_request.fetch_or(x86::kIrqPending);
  else
    cpu_.state().interrupt_request.fetch_and(~uint32_t{x86::kIrqPending});
  if (level) {
    std::lock_guard lock(wake_mutex_);
    wake_.notify_all();
  }
}

void DbtAccelerator::Boot() {
  const machine::MachineSpec& spec = machine_.spec();
  cpu_.Reset();
  cpu_.FlushTranslations();
  // Firmware first (QEMU keeps it mapped even with -kernel), then a directly loaded kernel
  // replaces the reset state with its entry state.
  if (firmware_ == nullptr && (spec.kernel.empty() || !spec.bios.empty())) {
    std::string bios = spec.bios.empty() ? kDefaultBios : spec.bios;
    firmware_ = loaders::LoadFirmware(bios, machine_.memory());
  }
  if (!spec.kernel.empty()) {
    loaders::LoadKernel({spec.kernel, spec.initrd, spec.append}, machine_.layout(), cpu_);
  }
}

void DbtAccelerator::Start() {
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
  if (options_.stats) {
    sampler_ = std::thread([this] {
      const auto start = std::chrono::steady_clock::now();
      while (!stop_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        cpu_.SampleTier();
      }
      sampled_seconds_ =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    });
  }
}

void DbtAccelerator::Stop() {
  stop_ = true;
  cpu_.state().interrupt_request.fetch_or(x86::kKick);
  {
    std::lock_guard lock(wake_mutex_);
    wake_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  if (sampler_.joinable()) sampler_.join();
  if (options_.stats && !reported_) {
    reported_ = true;
    std::fputs(StatsReport(cpu_, options_, sampled_seconds_).c_str(), stderr);
  }
}

void DbtAccelerator::Loop() {
  x86::CpuState& s = cpu_.state();
  while (!stop_ && !machine_.exit_requested()) {
    if (machine_.TakeResetRequest()) {
      machine_.ResetDevices();
      Boot();
    }
    x86::StopReason why = cpu_.Run(kSlice);
    switch (why) {
      case x86::StopReason::kHalted: {
        // HLT: sleep until an interrupt that IF lets through, a kick, or the end. An idle guest
        // costs no host CPU.
        std::unique_lock lock(wake_mutex_);
        wake_.wait(lock, [&] {
          return stop_ || machine_.exit_requested() || (s.interrupt_request.load() & x86::kKick) ||
                 cpu_.InterruptDeliverable();
        });
        break;
      }
      case x86::StopReason::kShutdown: {
        // A triple fault resets the machine (or ends the run with -no-reboot). A guest that
        // faults in a loop would flood the terminal, so only the first few are reported.
        static constexpr int kReported = 3;
        if (++triple_faults_ <= kReported) {
          std::fprintf(stderr, "vireo: triple fault at %04x:%016llx; %s%s\n",
                       s.seg[x86::kCs].selector, static_cast<unsigned long long>(s.rip),
                       machine_.spec().no_reboot ? "exiting (-no-reboot)" : "resetting",
                       triple_faults_ == kReported ? " (further triple faults not reported)" : "");
        }
        machine_.RequestReset();
        break;
      }
      default:
        break;
    }
  }
}

std::unique_ptr<Accelerator> CreateAccelerator(machine::PcMachine& machine) {
  const std::string& name = machine.spec().accel;
  if (name == "kvm") {
    throw Error("-accel kvm: the KVM accelerator is not implemented yet (use -accel dbt)");
  }
  // auto: KVM is not implemented yet, so the translator runs the guest.
  return std::make_unique<DbtAccelerator>(machine);
}

}  // namespace vireo::accel
