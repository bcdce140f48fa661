// FileBackend and the -serial spec factory.

#include "devices/chardev/file_backend.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>

#include "devices/chardev/char_backend_factory.h"
#include "devices/chardev/null_backend.h"
#include "machine/clock.h"
#include "machine/error.h"
#include "machine/event_loop.h"

namespace vireo::devices {

namespace {

// A unique file name under the temp dir, removed when the test ends.
struct TempPath {
  TempPath() {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = std::string(dir != nullptr ? dir : "/tmp") + "/vireo-serial-XXXXXX";
    int fd = mkstemp(pattern.data());
    REQUIRE(fd >= 0);
    close(fd);
    path = pattern;
  }
  ~TempPath() { unlink(path.c_str()); }
  std::string path;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteString(CharBackend& backend, std::string_view text) {
  backend.Write(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

}  // namespace

TEST_CASE("file backend: writes reach the file unbuffered, binary-clean") {
  TempPath tmp;
  FileBackend backend(tmp.path);
  WriteString(backend, "Linux version");
  CHECK(Slurp(tmp.path) == "Linux version");  // Visible before the backend is closed.
  const uint8_t binary[] = {0x00, 0xFF, '\n', 0x01};
  backend.Write(binary);
  CHECK(Slurp(tmp.path) == std::string("Linux version\0\xFF\n\x01", 17));
}

TEST_CASE("file backend: truncates by default, appends on request") {
  TempPath tmp;
  {
    FileBackend first(tmp.path);
    WriteString(first, "old boot log");
  }
  {
    FileBackend second(tmp.path);
    WriteString(second, "new");
  }
  CHECK(Slurp(tmp.path) == "new");
  {
    FileBackend appending(tmp.path, /*append=*/true);
    WriteString(appending, "+more");
  }
  CHECK(Slurp(tmp.path) == "new+more");
}

TEST_CASE("file backend: an unopenable path is a user error naming path and reason") {
  const std::string path = "/nonexistent-dir-for-vireo-test/serial.log";
  std::string message;
  try {
    FileBackend backend(path);
  } catch (const Error& e) {
    message = e.what();
  }
  CHECK(message.find(path) != std::string::npos);
  CHECK(message.find(std::strerror(ENOENT)) != std::string::npos);
}

TEST_CASE("factory: null, none and file specs") {
  machine::VirtualClock clock{machine::VirtualClock::Mode::kManual};
  std::recursive_mutex lock;
  machine::EventLoop loop(clock, lock);
  auto null_backend = MakeCharBackend("null", loop, nullptr);
  CHECK(dynamic_cast<NullBackend*>(null_backend.get()) != nullptr);
  auto none_backend = MakeCharBackend("none", loop, nullptr);
  CHECK(dynamic_cast<NullBackend*>(none_backend.get()) != nullptr);
  WriteString(*none_backend, "dropped");  // Harmless.

  TempPath tmp;
  auto file_backend = MakeCharBackend("file:" + tmp.path, loop, nullptr);
  CHECK(dynamic_cast<FileBackend*>(file_backend.get()) != nullptr);
  WriteString(*file_backend, "via factory");
  CHECK(Slurp(tmp.path) == "via factory");
}

TEST_CASE("factory: unknown and incomplete specs are rejected with a hint") {
  machine::VirtualClock clock{machine::VirtualClock::Mode::kManual};
  std::recursive_mutex lock;
  machine::EventLoop loop(clock, lock);
  std::string message;
  try {
    MakeCharBackend("tcp:localhost:4444", loop, nullptr);
  } catch (const Error& e) {
    message = e.what();
  }
  CHECK(message.find("'tcp:localhost:4444'") != std::string::npos);
  CHECK(message.find("stdio") != std::string::npos);
  CHECK(message.find("file:PATH") != std::string::npos);
  CHECK_THROWS_AS(MakeCharBackend("file:", loop, nullptr), Error);
  CHECK_THROWS_AS(MakeCharBackend("", loop, nullptr), Error);
  CHECK_THROWS_AS(MakeCharBackend("STDIO", loop, nullptr), Error);
  CHECK_THROWS_AS(MakeCharBackend("file:/nonexistent-dir-for-vireo-test/x", loop, nullptr), Error);
}

}  // namespace vireo::devices
