#include "machine/clock.h"

#include <chrono>
#include <climits>
#include <vector>

namespace vireo::machine {

namespace {
int64_t HostNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

VirtualClock::VirtualClock(Mode mode) : mode_(mode) {
  if (mode_ == Mode::kHost) origin_ns_ = HostNs();
}

int64_t VirtualClock::NowNs() const {
  if (mode_ == Mode::kManual) {
    std::lock_guard lock(mutex_);
    return manual_ns_;
  }
  return HostNs() - origin_ns_;
}

void VirtualClock::Advance(int64_t ns) {
  {
    std::lock_guard lock(mutex_);
    manual_ns_ += ns;
  }
  RunDue();
}

int64_t VirtualClock::NextDeadline() const {
  std::lock_guard lock(mutex_);
  return armed_.empty() ? INT64_MAX : armed_.begin()->first;
}

void VirtualClock::RunDue() {
  // Fire one timer at a time and re-check: a callback may arm, cancel or destroy other timers.
  for (;;) {
    Timer* timer = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (armed_.empty()) return;
      auto first = armed_.begin();
      int64_t now = mode_ == Mode::kManual ? manual_ns_ : HostNs() - origin_ns_;
      if (first->first > now) return;
      timer = first->second;
      armed_.erase(first);
      timer->armed_ = false;
    }
    timer->callback_();
  }
}

void VirtualClock::Arm(Timer* timer, int64_t deadline) {
  bool earliest = false;
  {
    std::lock_guard lock(mutex_);
    if (timer->armed_) armed_.erase({timer->deadline_, timer});
    timer->deadline_ = deadline;
    timer->armed_ = true;
    armed_.insert({deadline, timer});
    earliest = armed_.begin()->second == timer;
  }
  if (earliest && on_deadline_changed_) on_deadline_changed_();
}

void VirtualClock::Disarm(Timer* timer) {
  std::lock_guard lock(mutex_);
  if (timer->armed_) armed_.erase({timer->deadline_, timer});
  timer->armed_ = false;
}

Timer::Timer(VirtualClock& clock, std::function<void()> callback)
    : clock_(clock), callback_(std::move(callback)) {}

Timer::~Timer() { Cancel(); }

void Timer::ArmAt(int64_t deadline_ns) { clock_.Arm(this, deadline_ns); }

void Timer::Cancel() { clock_.Disarm(this); }

}  // namespace vireo::machine
