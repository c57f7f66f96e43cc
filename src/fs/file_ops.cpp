#include "fs/file_ops.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#ifdef __APPLE__
#include <mach-o/dyld.h>
#endif

namespace migline {

tl::expected<bool, std::string> remove_file(const std::string& path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  return tl::make_unexpected(std::string(std::strerror(errno)));
}

tl::expected<bool, std::string> make_directory(const std::string& path, unsigned mode) {
  if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) == 0) return true;
  const int error = errno;
  struct stat st {};
  if (error == EEXIST && ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return false;
  if (error == EEXIST) return tl::make_unexpected(std::string("is in the way: not a directory"));
  return tl::make_unexpected(std::string(std::strerror(error)));
}

tl::expected<void, std::string> rename_path(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) == 0) return {};
  return tl::make_unexpected(std::string(std::strerror(errno)));
}

tl::expected<void, std::string> set_mode(const std::string& path, unsigned mode) {
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) == 0) return {};
  return tl::make_unexpected(std::string(std::strerror(errno)));
}

std::string find_executable(std::string_view name) {
  const char* path = std::getenv("PATH");
  // POSIX leaves an unset PATH to the implementation; this is what sh uses then.
  const std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (std::size_t begin = 0; begin <= dirs.size();) {
    std::size_t end = dirs.find(':', begin);
    if (end == std::string_view::npos) end = dirs.size();
    // An empty entry is the current directory.
    std::string dir(begin == end ? std::string_view(".") : dirs.substr(begin, end - begin));
    const std::string candidate = dir + "/" + std::string(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    begin = end + 1;
  }
  return {};
}

std::string executable_path() {
#if defined(__linux__)
  std::vector<char> buffer(PATH_MAX);
  for (;;) {
    const ssize_t n = ::readlink("/proc/self/exe", buffer.data(), buffer.size());
    if (n < 0) return {};
    if (static_cast<std::size_t>(n) < buffer.size())
      return std::string(buffer.data(), static_cast<std::size_t>(n));
    buffer.resize(buffer.size() * 2);
  }
#elif defined(__APPLE__)
  std::uint32_t size = 0;
  ::_NSGetExecutablePath(nullptr, &size);
  std::vector<char> buffer(size + 1);
  if (::_NSGetExecutablePath(buffer.data(), &size) != 0) return {};
  char* resolved = ::realpath(buffer.data(), nullptr);
  if (resolved == nullptr) return {};
  std::string out(resolved);
  std::free(resolved);
  return out;
#else
  return {};
#endif
}

}  // namespace migline
