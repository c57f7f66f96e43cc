#include "fs/directory_reader.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>

namespace migline {
namespace {

struct CloseDir {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirHandle = std::unique_ptr<DIR, CloseDir>;

EntryType type_of_mode(mode_t mode) {
  if (S_ISREG(mode)) return EntryType::File;
  if (S_ISDIR(mode)) return EntryType::Directory;
  if (S_ISLNK(mode)) return EntryType::Symlink;
  return EntryType::Other;
}

}  // namespace

tl::expected<void, int> read_directory(const std::string& path,
                                       const std::function<void(const DirectoryEntry&)>& each) {
  DirHandle dir(::opendir(path.c_str()));
  if (!dir) return tl::make_unexpected(errno);
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir.get());
    if (entry == nullptr) {
      if (errno != 0) return tl::make_unexpected(errno);
      return {};
    }
    const std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    EntryType type = EntryType::Other;
    switch (entry->d_type) {
      case DT_REG:
        type = EntryType::File;
        break;
      case DT_DIR:
        type = EntryType::Directory;
        break;
      case DT_LNK:
        type = EntryType::Symlink;
        break;
      case DT_UNKNOWN: {
        struct stat st {};
        if (::fstatat(::dirfd(dir.get()), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        type = type_of_mode(st.st_mode);
        break;
      }
      default:
        break;
    }
    each(DirectoryEntry{name, type});
  }
}

}  // namespace migline
