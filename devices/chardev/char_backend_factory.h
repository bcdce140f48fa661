#pragma once
// Turns a -serial argument (QEMU spelling) into a backend.

#include <functional>
#include <memory>
#include <string_view>

#include "devices/chardev/char_backend.h"
#include "machine/event_loop.h"

namespace vireo::devices {

/// Builds the backend for `spec`: "stdio", "null", "none" (same as null) or "file:PATH".
/// `on_quit` runs on Ctrl-A x and `on_monitor` on Ctrl-A c (stdio only). Throws vireo::Error for
/// an unknown spec or an unopenable file.
std::unique_ptr<CharBackend> MakeCharBackend(std::string_view spec, machine::EventLoop& loop,
                                             std::function<void()> on_quit,
                                             std::function<void()> on_monitor = nullptr);

}  // namespace vireo::devices
