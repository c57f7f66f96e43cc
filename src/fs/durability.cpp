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

namespace migline {
namespace {

std::string cause(const std::string& path, int error) {
  return "cannot sync " + path + ": " + std::strerror(error);
}

}  // namespace

tl::expected<void, std::string> sync_filesystems(const std::vector<std::string>& paths) {
  std::set<dev_t> done;
  for (const std::string& path : paths) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return tl::make_unexpected(cause(path, errno));
    if (!done.insert(st.st_dev).second) continue;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return tl::make_unexpected(cause(path, errno));
#ifdef __linux__
    const int rc = ::syncfs(fd);
#else
    ::sync();
    const int rc = ::fsync(fd);
#endif
    const int error = errno;
    ::close(fd);
    if (rc != 0) return tl::make_unexpected(cause(path, error));
  }
  return {};
}

tl::expected<void, std::string> sync_files(const std::vector<std::string>& files,
                                           const std::vector<std::string>& directories) {
  for (const std::string& path : files) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      return tl::make_unexpected(cause(path, errno));
    }
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0) return tl::make_unexpected(cause(path, error));
  }
  for (const std::string& path : directories) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 && errno == ENOENT) continue;
    if (auto synced = sync_directory(path); !synced) return synced;
  }
  return {};
}

tl::expected<void, std::string> sync_directory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return tl::make_unexpected(cause(path, errno));
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return tl::make_unexpected(cause(path, error));
  return {};
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
