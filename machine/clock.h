#pragma once
// Time for devices. VirtualClock is host-monotonic by default; tests construct a manual clock and
// advance it, so a device's timing (PIT counts, RTC update cycle, UART baud) is tested exactly.
// Timers live on the clock; the EventLoop sleeps until NextDeadline() and calls RunDue().

#include <cstdint>
#include <functional>
#include <mutex>
#include <set>

namespace vireo::machine {

class Timer;

/// Nanosecond time source plus the set of armed timers.
class VirtualClock {
 public:
  enum class Mode { kHost, kManual };
  explicit VirtualClock(Mode mode = Mode::kHost);
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  /// Current time in ns since the clock was created (or as set, in manual mode).
  int64_t NowNs() const;
  /// Manual mode only: move time forward and fire every timer that became due.
  void Advance(int64_t ns);
  /// Earliest armed deadline, or INT64_MAX when no timer is armed.
  int64_t NextDeadline() const;
  /// Fires the callbacks of timers whose deadline is <= NowNs(), in deadline order.
  void RunDue();
  /// Called (from any thread) when the earliest deadline may have moved earlier; the EventLoop
  /// sets this to wake its poll.
  void SetDeadlineChangedHook(std::function<void()> hook) {
    on_deadline_changed_ = std::move(hook);
  }

 private:
  friend class Timer;
  void Arm(Timer* timer, int64_t deadline);
  void Disarm(Timer* timer);

  Mode mode_;
  int64_t origin_ns_ = 0;
  int64_t manual_ns_ = 0;
  mutable std::mutex mutex_;
  std::set<std::pair<int64_t, Timer*>> armed_;
  std::function<void()> on_deadline_changed_;
};

/// A one-shot timer; re-arm from the callback for periodic behaviour.
class Timer {
 public:
  Timer(VirtualClock& clock, std::function<void()> callback);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  /// Fires at absolute clock time `deadline_ns` (replaces any earlier arming).
  void ArmAt(int64_t deadline_ns);
  /// Fires `delay_ns` from now.
  void ArmIn(int64_t delay_ns) { ArmAt(clock_.NowNs() + delay_ns); }
  void Cancel();
  bool armed() const { return armed_; }
  int64_t deadline() const { return deadline_; }
  VirtualClock& clock() { return clock_; }

 private:
  friend class VirtualClock;
  VirtualClock& clock_;
  std::function<void()> callback_;
  bool armed_ = false;
  int64_t deadline_ = 0;
};

}  // namespace vireo::machine
