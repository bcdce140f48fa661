#include "machine/event_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "machine/error.h"

namespace vireo::machine {

EventLoop::EventLoop(VirtualClock& clock, std::recursive_mutex& machine_lock)
    : clock_(clock), machine_lock_(machine_lock) {
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw Error(std::string("cannot create eventfd: ") + std::strerror(errno));
  clock_.SetDeadlineChangedHook([this] { Wake(); });
}

EventLoop::~EventLoop() {
  Stop();
  clock_.SetDeadlineChangedHook(nullptr);
  close(wake_fd_);
}

void EventLoop::AddFd(int fd, std::function<void()> on_readable) {
  {
    std::lock_guard lock(fds_mutex_);
    fds_[fd] = std::move(on_readable);
  }
  Wake();
}

void EventLoop::RemoveFd(int fd) {
  {
    std::lock_guard lock(fds_mutex_);
    fds_.erase(fd);
  }
  Wake();
}

void EventLoop::Post(std::function<void()> fn) {
  {
    std::lock_guard lock(fds_mutex_);
    posted_.push_back(std::move(fn));
  }
  Wake();
}

void EventLoop::Wake() {
  uint64_t one = 1;
  // A full eventfd counter still wakes the poll, so a failed write needs no handling.
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
}

void EventLoop::Start() {
  stop_ = false;
  thread_ = std::thread([this] {
    while (!stop_) RunOnce(-1);
  });
}

void EventLoop::Stop() {
  stop_ = true;
  Wake();
  if (thread_.joinable()) thread_.join();
}

void EventLoop::RunOnce(int timeout_ms) {
  std::vector<pollfd> pfds;
  pfds.push_back({wake_fd_, POLLIN, 0});
  {
    std::lock_guard lock(fds_mutex_);
    for (const auto& [fd, cb] : fds_) pfds.push_back({fd, POLLIN, 0});
  }
  int64_t deadline = clock_.NextDeadline();
  if (deadline != INT64_MAX) {
    int64_t wait_ns = deadline - clock_.NowNs();
    // Round up so we do not spin on a deadline less than 1 ms away.
    int wait_ms =
        wait_ns <= 0
            ? 0
            : static_cast<int>(std::min<int64_t>((wait_ns + 999'999) / 1'000'000, INT_MAX));
    if (timeout_ms < 0 || wait_ms < timeout_ms) timeout_ms = wait_ms;
  }
  int n = poll(pfds.data(), pfds.size(), timeout_ms);
  if (n < 0 && errno != EINTR) return;
  if (n > 0 && (pfds[0].revents & POLLIN)) {
    uint64_t value;
    [[maybe_unused]] ssize_t r = read(wake_fd_, &value, sizeof value);
  }
  std::vector<std::function<void()>> posted;
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard lock(fds_mutex_);
    posted.swap(posted_);
    for (size_t i = 1; i < pfds.size(); ++i) {
      if (pfds[i].revents == 0) continue;
      auto it = fds_.find(pfds[i].fd);
      if (it != fds_.end()) ready.push_back(it->second);
    }
  }
  std::lock_guard machine(machine_lock_);
  for (auto& fn : posted) fn();
  for (auto& fn : ready) fn();
  clock_.RunDue();
}

}  // namespace vireo::machine
