#pragma once
// Errors a user can cause (bad option, bad file, conflicting device placement). main() catches
// vireo::Error and prints its message as one line; nothing user-caused aborts with a stack.

#include <stdexcept>
#include <string>

namespace vireo {

/// A user-facing error: the message names the problem and, where possible, what to do.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace vireo
