#include "devices/chardev/raw_terminal.h"

#include <termios.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iterator>

namespace vireo::devices {

namespace {

// Process-wide because atexit handlers and signal handlers cannot reach an object. Only
// async-signal-safe calls (tcsetattr, sigaction, raise) touch them from the handler.
struct termios g_saved_termios;
int g_saved_fd = -1;
volatile sig_atomic_t g_saved_valid = 0;

constexpr int kFatalSignals[] = {SIGTERM, SIGINT, SIGHUP};
struct sigaction g_previous_actions[std::size(kFatalSignals)];
bool g_hooks_installed = false;

void RestoreSavedTermios() {
  if (g_saved_valid) tcsetattr(g_saved_fd, TCSANOW, &g_saved_termios);
}

void RestoreAtExit() {
  RestoreSavedTermios();
  g_saved_valid = 0;
}

void OnFatalSignal(int sig, siginfo_t* info, void* context) {
  RestoreSavedTermios();
  for (size_t i = 0; i < std::size(kFatalSignals); ++i) {
    if (kFatalSignals[i] != sig) continue;
    const struct sigaction& previous = g_previous_actions[i];
    // Chain to a handler the program installed before us (it decides how to shut down).
    if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
      previous.sa_sigaction(sig, info, context);
      return;
    }
    if ((previous.sa_flags & SA_SIGINFO) == 0 && previous.sa_handler != SIG_DFL &&
        previous.sa_handler != SIG_IGN) {
      previous.sa_handler(sig);
      return;
    }
  }
  // Default disposition: die by the same signal so the parent sees the real cause. The signal
  // is blocked while we run, so the re-raise is delivered as soon as this handler returns.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
  raise(sig);
}

void InstallExitHooks() {
  if (g_hooks_installed) return;
  g_hooks_installed = true;
  std::atexit(RestoreAtExit);
  for (size_t i = 0; i < std::size(kFatalSignals); ++i) {
    struct sigaction previous {};
    sigaction(kFatalSignals[i], nullptr, &previous);
    g_previous_actions[i] = previous;
    // A signal the program ignores stays ignored: it cannot kill us, so nothing to restore.
    if ((previous.sa_flags & SA_SIGINFO) == 0 && previous.sa_handler == SIG_IGN) continue;
    struct sigaction action {};
    action.sa_sigaction = OnFatalSignal;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(kFatalSignals[i], &action, nullptr);
  }
}

// Raw input as cfmakeraw(3) describes it: no line editing, no echo, no signals from keys (so
// Ctrl-C reaches the guest), 8-bit clean. Output post-processing stays on, as QEMU keeps it:
// Vireo's own messages (which end in LF alone) then start at column 0, and the guest's CR LF
// only gains a harmless extra CR.
void MakeRaw(struct termios& t) {
  t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  t.c_oflag |= OPOST | ONLCR;
  t.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
  t.c_cflag &= ~(CSIZE | PARENB);
  t.c_cflag |= CS8;
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
}

}  // namespace

RawTerminal::RawTerminal(int fd) {
  if (g_saved_valid || !isatty(fd)) return;
  struct termios original {};
  if (tcgetattr(fd, &original) != 0) return;
  InstallExitHooks();
  g_saved_termios = original;
  g_saved_fd = fd;
  g_saved_valid = 1;  // Published last: a signal before this sees nothing to restore.
  struct termios raw = original;
  MakeRaw(raw);
  if (tcsetattr(fd, TCSANOW, &raw) != 0) {
    g_saved_valid = 0;
    return;
  }
  active_ = true;
}

RawTerminal::~RawTerminal() {
  if (!active_) return;
  RestoreSavedTermios();
  g_saved_valid = 0;
}

}  // namespace vireo::devices
