#include "git/git_error.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace migline {

std::string git_error_message(int code) {
  const git_error* error = git_error_last();
  if (error == nullptr || error->message == nullptr) {
    return fmt::format("libgit2 error {}", code);
  }
  return error->message;
}

void ensure_libgit2() {
  static const int initialized = [] {
    int n = git_libgit2_init();
    std::atexit([] { git_libgit2_shutdown(); });
    return n;
  }();
  (void)initialized;
}

}  // namespace migline
