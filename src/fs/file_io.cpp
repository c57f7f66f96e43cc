#include "fs/file_io.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "fs/unique_fd.hpp"

namespace migline {

namespace {

struct OpenFile {
  UniqueFd fd;
  std::size_t size;
};

// Opens a regular file for reading without following a final symlink; a relative `path` is
// relative to `directory`. `open_errno` receives errno when the open itself fails, else 0.
tl::expected<OpenFile, std::string> open_regular(int directory, const std::string& path,
                                                 int& open_errno) {
  open_errno = 0;
  // O_NONBLOCK: a FIFO planted where a file was expected must not hang the read.
  UniqueFd fd(::openat(directory, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) {
    open_errno = errno;
    if (errno == ELOOP) {
      return tl::make_unexpected(std::string(kSymlinkRefused));
    }
    return tl::make_unexpected(std::string(std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return tl::make_unexpected(std::string("is not a regular file"));
  }
  return OpenFile{std::move(fd), static_cast<std::size_t>(st.st_size)};
}

// read_file_at(); `open_errno` as open_regular's.
tl::expected<std::string, std::string> read_whole_file(int directory, const std::string& path,
                                                       int& open_errno) {
  auto file = open_regular(directory, path, open_errno);
  if (!file) return tl::make_unexpected(file.error());
  const int fd = file->fd.get();
  // One byte more than fstat said: a read of a regular file that stops short of what was
  // asked has reached the end (or a signal cut it, which reading on past the size covers), so
  // no further read() is needed to see the end.
  std::string data;
  data.resize(file->size + 1);
  std::size_t done = 0;
  while (true) {
    if (done == data.size()) data.resize(data.size() + 4096 + data.size() / 2);  // it grew
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return tl::make_unexpected(std::string(std::strerror(errno)));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
    if (done >= file->size && done < data.size()) break;
  }
  data.resize(done);
  return data;
}

}  // namespace

tl::expected<std::string, std::string> read_file(const std::string& path) {
  return read_file_at(AT_FDCWD, path);
}

tl::expected<std::string, std::string> read_file_at(int directory, const std::string& path) {
  int open_errno = 0;
  return read_whole_file(directory, path, open_errno);
}

tl::expected<std::optional<std::string>, std::string> read_file_if_present(
    const std::string& path) {
  int open_errno = 0;
  auto text = read_whole_file(AT_FDCWD, path, open_errno);
  if (text) return std::optional<std::string>(std::move(*text));
  if (open_errno == ENOENT || open_errno == ENOTDIR) return std::optional<std::string>();
  return tl::make_unexpected(text.error());
}

tl::expected<std::optional<std::string>, std::string> read_file_tail(const std::string& path,
                                                                     std::size_t count,
                                                                     std::size_t at_least) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  if (!fd) {
    if (errno == ENOENT) return std::optional<std::string>();
    return tl::make_unexpected(std::string(std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return tl::make_unexpected(std::string(std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return tl::make_unexpected(std::string("not a regular file"));
  const auto size = static_cast<std::size_t>(st.st_size);
  if (size < at_least) return tl::make_unexpected(std::string("too short"));
  std::string tail(count, '\0');
  const ssize_t n = ::pread(fd.get(), tail.data(), count, static_cast<off_t>(size - count));
  if (n != static_cast<ssize_t>(count)) {
    return tl::make_unexpected(n < 0 ? std::string(std::strerror(errno)) : "cut short");
  }
  return std::optional<std::string>(std::move(tail));
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    this->~MappedFile();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

tl::expected<MappedFile, std::string> MappedFile::open(const std::string& path) {
  int open_errno = 0;
  auto file = open_regular(AT_FDCWD, path, open_errno);
  if (!file) return tl::make_unexpected(file.error());
  MappedFile mapped;
  if (file->size > 0) {
    // The mapping stays valid once the descriptor is closed.
    void* data = ::mmap(nullptr, file->size, PROT_READ, MAP_PRIVATE, file->fd.get(), 0);
    if (data == MAP_FAILED) return tl::make_unexpected(std::string(std::strerror(errno)));
    mapped.data_ = static_cast<const char*>(data);
    mapped.size_ = file->size;
  }
  return mapped;
}

// O_PATH (Linux) opens a directory for openat without the right to read it; elsewhere a
// directory opened for reading serves openat as well.
#ifdef O_PATH
constexpr int kDirectoryHandle = O_PATH | O_DIRECTORY | O_CLOEXEC;
#else
constexpr int kDirectoryHandle = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
#endif

OpenDirectory::OpenDirectory(const std::string& path)
    : fd_(::open(path.c_str(), kDirectoryHandle)) {}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace migline
