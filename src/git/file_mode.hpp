#pragma once

#include <cstdint>

#include <git2.h>

namespace migline {

// A regular file, executable or not, in an index or a tree.
inline bool is_regular_blob(std::uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// Files and symlinks are listed; a symlink is refused when it is read, with a clear message.
inline bool is_listed(std::uint32_t mode) {
  return is_regular_blob(mode) || mode == GIT_FILEMODE_LINK;
}

}  // namespace migline
