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
    // Like git itself, trust the object store instead of hashing every object read again.
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    std::atexit([] { git_libgit2_shutdown(); });
    return n;
  }();
  (void)initialized;
}

}  // namespace migline
