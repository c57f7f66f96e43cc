#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace migline {

// What a directory entry is, as lstat would say (a symlink is never followed).
enum class EntryType { File, Directory, Symlink, Other };

// One entry of a directory: its name (valid during the callback only) and its type.
struct DirectoryEntry {
  std::string_view name;
  EntryType type;
};

// Calls `each` for every entry of the directory `path` but "." and "..", in the order the
// file system gives them; the type comes from readdir, or from lstat where the file system
// does not say (an entry gone in between is skipped). The error is errno of opendir (ENOENT,
// ENOTDIR, EACCES, ...) or of readdir; the directory handle is closed in every case.
tl::expected<void, int> read_directory(const std::string& path,
                                       const std::function<void(const DirectoryEntry&)>& each);

}  // namespace migline
