// Raw mode on a pseudo-terminal, and the guarantee that the user's settings come back on
// destruction, on exit() and on a fatal signal (checked in forked children).

#include "devices/chardev/raw_terminal.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>

#include "devices/chardev/stdio_backend.h"
#include "machine/clock.h"
#include "machine/event_loop.h"

namespace vireo::devices {

namespace {

// A pty pair; `ok` is false where the sandbox offers no /dev/ptmx.
struct Pty {
  Pty() {
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return;
    slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    ok = slave >= 0 && tcgetattr(slave, &cooked) == 0;
  }
  ~Pty() {
    if (slave >= 0) close(slave);
    if (master >= 0) close(master);
  }
  bool IsCooked() const {
    termios now{};
    if (tcgetattr(slave, &now) != 0) return false;
    return now.c_lflag == cooked.c_lflag && now.c_iflag == cooked.c_iflag &&
           now.c_oflag == cooked.c_oflag && now.c_cflag == cooked.c_cflag;
  }
  int master = -1;
  int slave = -1;
  bool ok = false;
  termios cooked{};
};

enum class ChildEnd { kExit, kSignal };

// Forks a child that puts the pty in raw mode, then leaves without destroying anything.
int RunChild(Pty& pty, ChildEnd end) {
  // The child's exit() flushes inherited buffers: empty them first so no report is duplicated.
  std::cout.flush();
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    auto* raw = new RawTerminal(pty.slave);  // Leaked on purpose: no destructor runs.
    if (!raw->active()) _exit(2);
    if (end == ChildEnd::kSignal)
      raise(SIGHUP);
    else
      std::exit(0);
    _exit(3);  // The signal did not kill us.
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

}  // namespace

TEST_CASE("raw terminal: a non-TTY fd is left alone") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  {
    RawTerminal raw(fds[0]);
    CHECK_FALSE(raw.active());
  }
  close(fds[0]);
  close(fds[1]);
}

TEST_CASE("raw terminal: stdio backend on a TTY is raw and restored on destruction") {
  Pty pty;
  if (!pty.ok) {
    MESSAGE("no pseudo-terminal available; skipping");
    return;
  }
  REQUIRE((pty.cooked.c_lflag & ICANON) != 0);
  {
    machine::VirtualClock clock{machine::VirtualClock::Mode::kManual};
    std::recursive_mutex lock;
    machine::EventLoop loop(clock, lock);
    StdioBackend backend(loop, nullptr, nullptr, pty.slave, pty.slave);
    CHECK(backend.raw_mode());
    termios raw{};
    REQUIRE(tcgetattr(pty.slave, &raw) == 0);
    CHECK((raw.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)) == 0);
    CHECK((raw.c_iflag & (ICRNL | IXON | ISTRIP)) == 0);
    // Output post-processing stays on (as in QEMU) so host messages start at column 0.
    CHECK((raw.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR));
    CHECK((raw.c_cflag & CSIZE) == CS8);
    // A second owner would save the raw settings as "original": it must not take over.
    RawTerminal second(pty.slave);
    CHECK_FALSE(second.active());
    // Ctrl-C arrives as a byte instead of a signal.
    std::string got;
    backend.SetReceiver([&got](std::span<const uint8_t> bytes) {
      got.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      return bytes.size();
    });
    REQUIRE(write(pty.master, "\x03", 1) == 1);
    loop.RunOnce(200);
    CHECK(got == "\x03");
  }
  CHECK(pty.IsCooked());
}

TEST_CASE("raw terminal: restored when the process calls exit()") {
  Pty pty;
  if (!pty.ok) {
    MESSAGE("no pseudo-terminal available; skipping");
    return;
  }
  int status = RunChild(pty, ChildEnd::kExit);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(pty.IsCooked());
}

TEST_CASE("raw terminal: restored on a fatal signal, which still kills the process") {
  Pty pty;
  struct sigaction current {};
  sigaction(SIGHUP, nullptr, &current);
  if (!pty.ok || current.sa_handler == SIG_IGN) {
    MESSAGE("no pseudo-terminal or SIGHUP ignored; skipping");
    return;
  }
  int status = RunChild(pty, ChildEnd::kSignal);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGHUP);
  CHECK(pty.IsCooked());
}

}  // namespace vireo::devices
