#include "fs/file_status.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "fs/stat_time.hpp"

namespace migline {
namespace {

std::int64_t nanoseconds(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

}  // namespace

bool FileStatus::is_regular() const {
  return S_ISREG(static_cast<mode_t>(mode));
}

bool FileStatus::is_directory() const {
  return S_ISDIR(static_cast<mode_t>(mode));
}

bool FileStatus::operator==(const FileStatus& other) const {
  return dev == other.dev && ino == other.ino && size == other.size && mtime_ns == other.mtime_ns &&
         ctime_ns == other.ctime_ns && mode == other.mode;
}

namespace {

// What `st` says, or why there is none: nullopt when `result` (of a stat call) says that
// nothing is there.
tl::expected<std::optional<FileStatus>, int> status_of(int result, const struct stat& st) {
  if (result != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<FileStatus>();
    return tl::make_unexpected(errno);
  }
  FileStatus s;
  s.dev = static_cast<std::uint64_t>(st.st_dev);
  s.ino = static_cast<std::uint64_t>(st.st_ino);
  s.size = static_cast<std::uint64_t>(st.st_size);
  s.mtime_ns = nanoseconds(modified_time(st));
  s.ctime_ns = nanoseconds(changed_time(st));
  s.mode = static_cast<std::uint32_t>(st.st_mode);
  return std::optional<FileStatus>(s);
}

}  // namespace

tl::expected<std::optional<FileStatus>, int> file_status(const std::string& path) {
  struct stat st {};
  const int result = ::lstat(path.c_str(), &st);
  return status_of(result, st);
}

tl::expected<std::optional<FileStatus>, int> file_status_at(int directory,
                                                            const std::string& path) {
  struct stat st {};
  const int result = ::fstatat(directory, path.c_str(), &st, AT_SYMLINK_NOFOLLOW);
  return status_of(result, st);
}

tl::expected<std::optional<FileStatus>, int> followed_file_status(const std::string& path) {
  struct stat st {};
  const int result = ::stat(path.c_str(), &st);
  return status_of(result, st);
}

bool path_exists(const std::string& path) {
  return ::access(path.c_str(), F_OK) == 0;
}

}  // namespace migline
