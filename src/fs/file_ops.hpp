#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace migline {

// Removes the file `path` (never a directory): true when it removed it, false when it was
// already gone. The error names the cause.
tl::expected<bool, std::string> remove_file(const std::string& path);

// Creates the directory `path` (`mode` less the umask) unless a directory is already there:
// true when it created it. Its parent must exist. The error names the cause (a file in the
// way is one).
tl::expected<bool, std::string> make_directory(const std::string& path, unsigned mode = 0777);

// Renames `from` to `to` (rename(2): atomic, replacing a file at `to`). The error names the
// cause.
tl::expected<void, std::string> rename_path(const std::string& from, const std::string& to);

// Sets the permission bits of `path` (chmod(2)). The error names the cause.
tl::expected<void, std::string> set_mode(const std::string& path, unsigned mode);

// The first executable regular file named `name` in the directories of $PATH, as the shell
// finds it; empty when there is none.
std::string find_executable(std::string_view name);

// The absolute path of the executable this process runs (/proc/self/exe on Linux,
// _NSGetExecutablePath on macOS), symlinks resolved; empty where the system cannot say.
std::string executable_path();

}  // namespace migline
