// StdioBackend driven through pipes (and a pseudo-terminal for raw mode), with a real EventLoop
// iterated by hand.

#include "devices/chardev/stdio_backend.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <mutex>
#include <string>
#include <vector>

#include "machine/clock.h"
#include "machine/event_loop.h"

namespace vireo::devices {

namespace {

struct Pipe {
  Pipe() { REQUIRE(pipe2(fds, O_CLOEXEC) == 0); }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  void CloseRead() {
    if (fds[0] >= 0) close(fds[0]);
    fds[0] = -1;
  }
  void CloseWrite() {
    if (fds[1] >= 0) close(fds[1]);
    fds[1] = -1;
  }
  void Send(std::string_view text) {
    REQUIRE(write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  }
  int fds[2] = {-1, -1};
};

struct StdioFixture {
  machine::VirtualClock clock{machine::VirtualClock::Mode::kManual};
  std::recursive_mutex lock;
  machine::EventLoop loop{clock, lock};
  Pipe in;
  Pipe out;
  int quits = 0;
  int monitors = 0;
  std::string received;
  size_t room = SIZE_MAX;  // How many more bytes the fake guest takes.

  std::unique_ptr<StdioBackend> Make(bool with_monitor = true) {
    auto backend = std::make_unique<StdioBackend>(
        loop, [this] { ++quits; },
        with_monitor ? std::function<void()>([this] { ++monitors; }) : nullptr, in.fds[0],
        out.fds[1]);
    backend->SetReceiver([this](std::span<const uint8_t> bytes) {
      size_t n = std::min(room, bytes.size());
      received.append(reinterpret_cast<const char*>(bytes.data()), n);
      room -= n;
      return n;
    });
    return backend;
  }
};

}  // namespace

TEST_CASE("stdio backend: output is written to the out fd immediately") {
  StdioFixture f;
  auto backend = f.Make();
  const uint8_t text[] = {'o', 'k', '\n'};
  backend->Write(text);
  char buf[8] = {};
  CHECK(read(f.out.fds[0], buf, sizeof buf) == 3);
  CHECK(std::string(buf, 3) == "ok\n");
  CHECK_FALSE(backend->raw_mode());  // A pipe is not a terminal.
}

TEST_CASE("stdio backend: input reaches the receiver and escapes are acted on") {
  StdioFixture f;
  auto backend = f.Make();
  f.in.Send("echo hi\r");
  f.loop.RunOnce(100);
  CHECK(f.received == "echo hi\r");
  f.in.Send(
      "a\x01\x01"
      "b\x01"
      "c\x01x");
  f.loop.RunOnce(100);
  CHECK(f.received ==
        "echo hi\ra\x01"
        "b");
  CHECK(f.monitors == 1);
  CHECK(f.quits == 1);
}

TEST_CASE("stdio backend: Ctrl-A c without a monitor is ignored") {
  StdioFixture f;
  auto backend = f.Make(/*with_monitor=*/false);
  f.in.Send(
      "\x01"
      "cz");
  f.loop.RunOnce(100);
  CHECK(f.received == "z");
  CHECK(f.quits == 0);
}

TEST_CASE("stdio backend: bytes the guest refuses are kept and re-offered") {
  StdioFixture f;
  f.room = 3;
  auto backend = f.Make();
  f.in.Send("abcdefg");
  f.loop.RunOnce(100);
  CHECK(f.received == "abc");
  CHECK(backend->pending() == 4);
  // Escapes still work while the guest is not reading (stdin keeps being polled).
  f.in.Send("\x01x");
  f.loop.RunOnce(100);
  CHECK(f.quits == 1);
  f.room = 2;
  backend->ReceiverReady();
  CHECK(f.received == "abcde");
  f.room = 100;
  backend->ReceiverReady();
  CHECK(f.received == "abcdefg");
  CHECK(backend->pending() == 0);
}

TEST_CASE("stdio backend: EOF stops polling the input") {
  StdioFixture f;
  auto backend = f.Make();
  f.in.Send("last");
  f.in.CloseWrite();
  f.loop.RunOnce(100);
  f.loop.RunOnce(100);
  CHECK(f.received == "last");
  CHECK(backend->input_closed());
  // Nothing is polled any more: once the wake-up from RemoveFd is consumed, RunOnce waits for
  // its timeout instead of spinning on a readable EOF.
  f.loop.RunOnce(0);
  machine::VirtualClock host_clock;
  int64_t start = host_clock.NowNs();
  f.loop.RunOnce(50);
  CHECK(host_clock.NowNs() - start >= 40'000'000);
}

}  // namespace vireo::devices
