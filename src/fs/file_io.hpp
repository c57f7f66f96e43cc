#pragma once

#include <string>

#include <tl/expected.hpp>

namespace migline {

// Reads a whole regular file without following a final symlink; the error names the cause.
tl::expected<std::string, std::string> read_file(const std::string& path);

// True when `path` exists and is a regular file (not through a symlink).
bool is_regular_file(const std::string& path);

}  // namespace migline
