#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <tl/expected.hpp>

namespace migline {

// What lstat(2) says of a path (a symlink itself, never its target).
struct FileStatus {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_ns = 0;  // since the epoch
  std::int64_t ctime_ns = 0;
  std::uint32_t mode = 0;  // type and permission bits, as st_mode
  bool is_regular() const;
  bool is_directory() const;
  // Every field equal: nothing about the file changed, as far as lstat can tell.
  bool operator==(const FileStatus& other) const;
  bool operator!=(const FileStatus& other) const { return !(*this == other); }
};

// lstat of `path`: nullopt when nothing is there (ENOENT, ENOTDIR); any other failure is its
// errno.
tl::expected<std::optional<FileStatus>, int> file_status(const std::string& path);

// file_status() of `path` relative to the directory open as `directory` (OpenDirectory's fd).
tl::expected<std::optional<FileStatus>, int> file_status_at(int directory, const std::string& path);

// file_status() that follows a final symlink (stat(2)).
tl::expected<std::optional<FileStatus>, int> followed_file_status(const std::string& path);

// True when something is at `path`, following symlinks (access(F_OK)).
bool path_exists(const std::string& path);

}  // namespace migline
