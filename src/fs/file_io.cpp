#include "fs/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace migline {

namespace {

// read_file(); `open_errno` receives errno when the open itself fails, else 0.
tl::expected<std::string, std::string> read_whole_file(const std::string& path, int& open_errno) {
  open_errno = 0;
  // O_NONBLOCK: a FIFO planted where a file was expected must not hang the read.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    open_errno = errno;
    if (errno == ELOOP) {
      return tl::make_unexpected(std::string(kSymlinkRefused));
    }
    return tl::make_unexpected(std::string(std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return tl::make_unexpected(std::string("is not a regular file"));
  }
  std::string data;
  data.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (true) {
    if (done == data.size()) data.resize(data.size() + 4096 + data.size() / 2);  // it grew
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string message = std::strerror(errno);
      ::close(fd);
      return tl::make_unexpected(message);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  data.resize(done);
  return data;
}

}  // namespace

tl::expected<std::string, std::string> read_file(const std::string& path) {
  int open_errno = 0;
  return read_whole_file(path, open_errno);
}

tl::expected<std::optional<std::string>, std::string> read_file_if_present(
    const std::string& path) {
  int open_errno = 0;
  auto text = read_whole_file(path, open_errno);
  if (text) return std::optional<std::string>(std::move(*text));
  if (open_errno == ENOENT || open_errno == ENOTDIR) return std::optional<std::string>();
  return tl::make_unexpected(text.error());
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace migline
