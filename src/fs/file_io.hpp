#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "fs/unique_fd.hpp"

namespace migline {

// Reads a whole regular file without following a final symlink; the error names the cause.
tl::expected<std::string, std::string> read_file(const std::string& path);

// read_file() of `path` relative to the directory open as `directory` (see OpenDirectory).
tl::expected<std::string, std::string> read_file_at(int directory, const std::string& path);

// A directory held open, so that paths below it can be given relative to it (openat, fstatat):
// the kernel then walks only the components below it, not the whole absolute path again for
// each of 100,000 files. fd() is -1 when it could not be opened.
class OpenDirectory {
 public:
  explicit OpenDirectory(const std::string& path);
  OpenDirectory(const OpenDirectory&) = delete;
  OpenDirectory& operator=(const OpenDirectory&) = delete;
  int fd() const { return fd_.get(); }

 private:
  UniqueFd fd_;
};

// A regular file mapped read-only, for large files read in part (e.g. the parse cache): no
// copy, and only the pages touched are read. Only for files replaced by rename, never
// truncated in place, since a mapping of a shrunk file faults.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  // Maps `path` as read_file would read it; the error names the cause.
  static tl::expected<MappedFile, std::string> open(const std::string& path);
  std::string_view bytes() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// read_file() of a file that may be absent: nullopt when nothing is at `path` (ENOENT,
// ENOTDIR); any other failure is an error that names its cause.
tl::expected<std::optional<std::string>, std::string> read_file_if_present(const std::string& path);

// The last `count` bytes of the regular file `path`, opened without following a final symlink
// or blocking on a FIFO: nullopt when nothing is there (ENOENT). An error when it cannot be
// opened or read, is not a regular file, or holds fewer than `at_least` (>= `count`) bytes.
tl::expected<std::optional<std::string>, std::string> read_file_tail(const std::string& path,
                                                                     std::size_t count,
                                                                     std::size_t at_least);

// Why a symlink where a file was expected is refused.
inline constexpr const char* kSymlinkRefused =
    "is a symbolic link; migline does not follow links (Django would): replace it with the "
    "file itself";

// True when `path` exists and is a regular file (not through a symlink).
bool is_regular_file(const std::string& path);

}  // namespace migline
