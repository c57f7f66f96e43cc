#pragma once

#include <string>

#include <tl/expected.hpp>

namespace migline {

// Reads a whole regular file without following a final symlink; the error names the cause.
tl::expected<std::string, std::string> read_file(const std::string& path);

// Why a symlink where a file was expected is refused.
inline constexpr const char* kSymlinkRefused =
    "is a symbolic link; migline does not follow links (Django would): replace it with the "
    "file itself";

// True when `path` exists and is a regular file (not through a symlink).
bool is_regular_file(const std::string& path);

}  // namespace migline
