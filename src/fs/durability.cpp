#include "fs/durability.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>

#include "fs/unique_fd.hpp"

namespace migline {
namespace {

std::string cause(const std::string& path, int error) {
  return "cannot sync " + path + ": " + std::strerror(error);
}

// fsyncs `path` opened with `flags`; a file that is gone is fine when `absent_ok`.
tl::expected<void, std::string> sync_path(const std::string& path, int flags, bool absent_ok) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (!fd) {
    if (absent_ok && errno == ENOENT) return {};
    return tl::make_unexpected(cause(path, errno));
  }
  if (sync_descriptor(fd.get()) != 0) return tl::make_unexpected(cause(path, errno));
  return {};
}

}  // namespace

int sync_descriptor(int fd) {
#ifdef F_FULLFSYNC
  // macOS: fsync only hands the data to the drive, whose cache may lose it at a power cut;
  // F_FULLFSYNC also flushes that cache. Some file systems (network ones) refuse it.
  if (::fcntl(fd, F_FULLFSYNC) == 0) return 0;
#endif
  return ::fsync(fd);
}

bool can_sync_filesystems() {
#ifdef __linux__
  return true;
#else
  return false;
#endif
}

tl::expected<void, std::string> sync_filesystems(const std::vector<std::string>& paths) {
#ifdef __linux__
  std::set<dev_t> done;
  for (const std::string& path : paths) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return tl::make_unexpected(cause(path, errno));
    if (!done.insert(st.st_dev).second) continue;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return tl::make_unexpected(cause(path, errno));
    if (::syncfs(fd.get()) != 0) return tl::make_unexpected(cause(path, errno));
  }
  return {};
#else
  // No syncfs: each path is synced on its own (can_sync_filesystems() tells the caller to
  // list every file it wrote instead).
  for (const std::string& path : paths) {
    if (auto synced = sync_path(path, O_RDONLY, false); !synced) return synced;
  }
  return {};
#endif
}

tl::expected<void, std::string> sync_files(const std::vector<std::string>& files,
                                           const std::vector<std::string>& directories) {
  for (const std::string& path : files) {
    if (auto synced = sync_path(path, O_RDONLY | O_NOFOLLOW, true); !synced) return synced;
  }
  for (const std::string& path : directories) {
    if (auto synced = sync_path(path, O_RDONLY | O_DIRECTORY, true); !synced) return synced;
  }
  return {};
}

tl::expected<void, std::string> sync_directory(const std::string& path) {
  return sync_path(path, O_RDONLY | O_DIRECTORY, false);
}

void durable_step(std::string_view what) {
  static const char* const log = std::getenv("MIGLINE_TEST_STEP_LOG");
  static const char* const kill_after = std::getenv("MIGLINE_TEST_KILL_AFTER_WRITES");
  static long steps = 0;
  ++steps;
  if (log != nullptr && *log != '\0') {
    if (std::FILE* f = std::fopen(log, "a")) {
      std::fprintf(f, "%ld %.*s\n", steps, static_cast<int>(what.size()), what.data());
      std::fclose(f);
    }
  }
  if (kill_after != nullptr && *kill_after != '\0' && std::atol(kill_after) == steps) {
    std::raise(SIGKILL);
  }
}

}  // namespace migline
