#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace migline {

// Replaces `path` with `content` atomically: a temporary file in the same directory, fsync,
// rename. Refuses to write through a symlink. The error names the cause.
tl::expected<void, std::string> write_file_atomic(const std::string& path,
                                                  std::string_view content);

}  // namespace migline
