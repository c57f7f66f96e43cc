#include "git/git_error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace migline {

std::string git_error_message(int code) {
  const int system_error = errno;
  const git_error* error = git_error_last();
  if (error == nullptr || error->message == nullptr) {
    return fmt::format("libgit2 error {}", code);
  }
  std::string message = error->message;
  // libgit2 sometimes words a failed open or read of the index or an object as "no longer
  // exists" and drops the reason. Reasons that mean trouble with the machine (never the
  // ENOENT of a probe) are added back, so that a full disk is called a full disk.
  switch (system_error) {
    case EIO:
    case ENOSPC:
    case EDQUOT:
    case EROFS:
    case EMFILE:
    case ENFILE:
    case ENOMEM: {
      const std::string reason = std::strerror(system_error);
      if (message.find(reason) == std::string::npos) message += ": " + reason;
      break;
    }
    default:
      break;
  }
  return message;
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
