#pragma once
// The I/O thread: polls file descriptors (serial stdin, later QMP, GDB, slirp) and sleeps until the
// next timer deadline of the VirtualClock. Every callback runs under the machine lock, the same
// lock a vCPU holds while it is inside a device, so device code never sees two threads at once.

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "machine/clock.h"

namespace vireo::machine {

/// poll() loop on one thread, with timers from a VirtualClock.
class EventLoop {
 public:
  EventLoop(VirtualClock& clock, std::recursive_mutex& machine_lock);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Calls `on_readable` (under the machine lock, on the I/O thread) whenever `fd` is readable
  /// or hung up. One callback per fd.
  void AddFd(int fd, std::function<void()> on_readable);
  void RemoveFd(int fd);
  /// Runs `fn` on the I/O thread soon, under the machine lock.
  void Post(std::function<void()> fn);

  /// Starts the I/O thread.
  void Start();
  /// Stops and joins the I/O thread (idempotent).
  void Stop();
  /// One iteration on the calling thread: waits at most `timeout_ms` (or until the next timer),
  /// then runs ready fd callbacks, posted functions and due timers. For tests and single-thread
  /// use.
  void RunOnce(int timeout_ms);

  /// Wakes a blocked poll (thread-safe).
  void Wake();

 private:
  VirtualClock& clock_;
  std::recursive_mutex& machine_lock_;
  std::mutex fds_mutex_;
  std::map<int, std::function<void()>> fds_;
  std::vector<std::function<void()>> posted_;
  int wake_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace vireo::machine
