#pragma once

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fs/file_status.hpp"

namespace migline {

// One piece of what a command printed, in order.
struct OutputChunk {
  bool to_stderr = false;
  std::string text;
};

// What a read-only command printed, and its exit status.
struct Answer {
  std::vector<OutputChunk> output;
  int status = 0;
};

// What lstat says of a path: any change to a file's bytes or a directory's entries changes
// it, since the kernel sets ctime on every change and no one can set it back. A missing path
// is all zeros.
using Stamp = FileStatus;

// The stamp of `path` (not following a final symlink); nullopt when lstat fails other than
// for a missing path.
std::optional<Stamp> stamp_of(const std::string& path);

// A file may change again without changing its stamp within the same clock tick (a few ms)
// as its last change; an answer is recorded only when every watched path is older than this.
inline constexpr std::int64_t kSettleNs = 2'000'000'000;

// A cache of the whole answer of a read-only command (`check`, `update --check`, `leaves`,
// `graph`), one file per command line, so that asking again with nothing changed costs one
// stat per watched path instead of a project load.
//
// `question` names every input by content: the command line, the colours, the environment,
// the index's checksum, the commits of revisions. A work-tree answer also depends on files
// that have no content id; `watched` lists them (absolute paths), and the answer is used only
// while every one has the stamp it had when the answer was recorded.
//
// The file is a cache, never a source of truth: a missing, damaged or foreign file is a miss
// (a checksum covers every byte), and a write that fails is skipped silently.
//
// Layout (host byte order): "MLANSWER", u32 format, u32 reserved, u64 checksum of the body;
//   body: str question, i32 status, u32 chunks, per chunk u8 to_stderr + str text,
//         u32 watched, per path: u32 bytes shared with the previous path, str rest, stamp
//         (u64 dev, ino, size, i64 mtime_ns, ctime_ns, u32 mode); str = u32 length + bytes.
class AnswerCache {
 public:
  // Answers live in `dir` (created when needed), which keeps at most `kMaxFiles`.
  explicit AnswerCache(std::string dir) : dir_(std::move(dir)) {}

  // The answer recorded for `question` when every path it watched is unchanged.
  // `command_line` names the file: what stays the same between runs of one command.
  std::optional<Answer> find(std::string_view command_line, std::string_view question) const;

  // Records `answer` unless a watched path cannot be stamped or changed later than
  // `started` - kSettleNs (then its next change might keep the stamp). Returns why not, or
  // an empty string when recorded.
  std::string store(std::string_view command_line, std::string_view question,
                    std::vector<std::string> watched, const Answer& answer,
                    const timespec& started) const;

  static constexpr std::size_t kMaxFiles = 32;

 private:
  std::string file_of(std::string_view command_line) const;
  void evict_oldest() const;

  std::string dir_;
};

}  // namespace migline
