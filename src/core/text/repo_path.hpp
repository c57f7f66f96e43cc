#pragma once

#include <string>
#include <string_view>

namespace migline {

// Repository paths use '/' on every platform; these never touch the filesystem.

// The last component of `path`: "a/b/c.py" -> "c.py", "c.py" -> "c.py".
std::string_view path_basename(std::string_view path);

// Everything before the last '/': "a/b/c.py" -> "a/b", "c.py" -> "".
std::string_view path_dirname(std::string_view path);

// `dir` + "/" + `rest`, or `rest` alone when `dir` is empty (the repository root).
std::string join_path(std::string_view dir, std::string_view rest);

}  // namespace migline
