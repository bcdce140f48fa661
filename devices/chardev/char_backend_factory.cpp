#include "devices/chardev/char_backend_factory.h"

#include <string>

#include "devices/chardev/file_backend.h"
#include "devices/chardev/null_backend.h"
#include "devices/chardev/stdio_backend.h"
#include "machine/error.h"

namespace vireo::devices {

std::unique_ptr<CharBackend> MakeCharBackend(std::string_view spec, machine::EventLoop& loop,
                                             std::function<void()> on_quit,
                                             std::function<void()> on_monitor) {
  constexpr std::string_view kFilePrefix = "file:";
  if (spec == "stdio") {
    return std::make_unique<StdioBackend>(loop, std::move(on_quit), std::move(on_monitor));
  }
  if (spec == "null" || spec == "none") return std::make_unique<NullBackend>();
  if (spec.starts_with(kFilePrefix)) {
    std::string path(spec.substr(kFilePrefix.size()));
    if (path.empty()) throw Error("serial backend 'file:' needs a path (file:PATH)");
    return std::make_unique<FileBackend>(path);
  }
  throw Error("unknown serial backend '" + std::string(spec) + "' (use stdio, file:PATH or null)");
}

}  // namespace vireo::devices
