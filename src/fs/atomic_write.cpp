#include "fs/atomic_write.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "fs/durability.hpp"

namespace migline {

tl::expected<void, std::string> write_file_atomic(const std::string& path, std::string_view content,
                                                  Durability durability) {
  struct stat st {};
  mode_t mode = 0644;
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISLNK(st.st_mode)) return tl::make_unexpected(std::string("is a symbolic link"));
    if (!S_ISREG(st.st_mode)) return tl::make_unexpected(std::string("is not a regular file"));
    mode = st.st_mode & 07777;
  }
  std::string temp = path + ".migline-XXXXXX";
  int fd = ::mkstemp(temp.data());
  if (fd < 0) return tl::make_unexpected(std::string(std::strerror(errno)));
  auto fail = [&](int error) {
    ::close(fd);
    ::unlink(temp.c_str());
    return tl::make_unexpected(std::string(std::strerror(error)));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(errno);
    done += static_cast<std::size_t>(n);
  }
  if (::fchmod(fd, mode) != 0) return fail(errno);
  if (durability == Durability::Synced && sync_descriptor(fd) != 0) return fail(errno);
  if (::close(fd) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return tl::make_unexpected(std::string(std::strerror(error)));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return tl::make_unexpected(std::string(std::strerror(error)));
  }
  return {};
}

}  // namespace migline
