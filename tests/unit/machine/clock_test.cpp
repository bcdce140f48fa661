#include "machine/clock.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "machine/event_loop.h"

using vireo::machine::EventLoop;
using vireo::machine::Timer;
using vireo::machine::VirtualClock;

TEST_CASE("manual clock fires timers in deadline order, exactly when due") {
  VirtualClock clock(VirtualClock::Mode::kManual);
  std::vector<int> fired;
  Timer a(clock, [&] { fired.push_back(1); });
  Timer b(clock, [&] { fired.push_back(2); });
  a.ArmAt(200);
  b.ArmAt(100);
  CHECK(clock.NextDeadline() == 100);
  clock.Advance(99);
  CHECK(fired.empty());
  clock.Advance(1);
  CHECK(fired == std::vector<int>{2});
  clock.Advance(100);
  CHECK(fired == std::vector<int>{2, 1});
  CHECK_FALSE(a.armed());
  CHECK(clock.NextDeadline() == INT64_MAX);
}

TEST_CASE("re-arming replaces, cancel and destruction disarm, callbacks may re-arm") {
  VirtualClock clock(VirtualClock::Mode::kManual);
  int ticks = 0;
  Timer periodic(clock, [&] {
    ++ticks;
    periodic.ArmAt(periodic.deadline() + 10);  // drift-free periodic timer
  });
  periodic.ArmAt(10);
  clock.Advance(95);
  CHECK(ticks == 9);
  periodic.ArmIn(1000);
  clock.Advance(500);
  CHECK(ticks == 9);
  periodic.Cancel();
  clock.Advance(10000);
  CHECK(ticks == 9);
  {
    Timer temp(clock, [&] { ticks = -1; });
    temp.ArmIn(5);
  }
  clock.Advance(10);
  CHECK(ticks == 9);
}

TEST_CASE("host clock is monotonic and the event loop runs timers and fd callbacks") {
  VirtualClock clock;
  std::recursive_mutex lock;
  EventLoop loop(clock, lock);
  int64_t t0 = clock.NowNs();
  bool fired = false;
  Timer t(clock, [&] { fired = true; });
  t.ArmIn(2'000'000);
  for (int i = 0; i < 50 && !fired; ++i) loop.RunOnce(100);
  CHECK(fired);
  CHECK(clock.NowNs() - t0 >= 2'000'000);

  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::string got;
  loop.AddFd(fds[0], [&] {
    char buf[16];
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) got.append(buf, static_cast<size_t>(n));
  });
  REQUIRE(write(fds[1], "hi", 2) == 2);
  loop.RunOnce(1000);
  CHECK(got == "hi");
  bool posted = false;
  loop.Post([&] { posted = true; });
  loop.RunOnce(1000);
  CHECK(posted);
  loop.RemoveFd(fds[0]);
  close(fds[0]);
  close(fds[1]);
}

TEST_CASE("event loop thread wakes for a timer armed after it went to sleep") {
  VirtualClock clock;
  std::recursive_mutex lock;
  EventLoop loop(clock, lock);
  loop.Start();
  std::atomic<bool> fired{false};
  Timer t(clock, [&] { fired = true; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // the loop is now blocked in poll
  {
    std::lock_guard g(lock);
    t.ArmIn(1'000'000);
  }
  for (int i = 0; i < 200 && !fired; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(fired);
  loop.Stop();
}
