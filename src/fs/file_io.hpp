#pragma once

#include <optional>
#include <string>

#include <tl/expected.hpp>

namespace migline {

// Reads a whole regular file without following a final symlink; the error names the cause.
tl::expected<std::string, std::string> read_file(const std::string& path);

// read_file() of a file that may be absent: nullopt when nothing is at `path` (ENOENT,
// ENOTDIR); any other failure is an error that names its cause.
tl::expected<std::optional<std::string>, std::string> read_file_if_present(const std::string& path);

// Why a symlink where a file was expected is refused.
inline constexpr const char* kSymlinkRefused =
    "is a symbolic link; migline does not follow links (Django would): replace it with the "
    "file itself";

// True when `path` exists and is a regular file (not through a symlink).
bool is_regular_file(const std::string& path);

}  // namespace migline
