#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace migline {

// Synced: the content is on disk before it replaces the old file. Unsynced skips the fsync,
// for caches that check their own content: after a crash they may be left damaged.
enum class Durability { Synced, Unsynced };

// Replaces `path` with `content` atomically: a temporary file in the same directory, fsync
// (when Synced), rename. Refuses to write through a symlink. The error names the cause.
tl::expected<void, std::string> write_file_atomic(const std::string& path, std::string_view content,
                                                  Durability durability = Durability::Synced);

}  // namespace migline
