#pragma once

#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "git/repository.hpp"

namespace migline {

// What the post-merge hook must know about a commit before it may replace it.
struct CommitInfo {
  std::string id;                    // hex
  std::vector<std::string> parents;  // hex, in order
  bool signed_commit = false;        // has a `gpgsig` (or `mergetag`) header
};

// The commit `rev` names.
tl::expected<CommitInfo, std::string> read_commit(const GitRepository& repo,
                                                  const std::string& rev);

// The message of the newest entry of HEAD's reflog; empty when there is none; an error, with
// its cause, when the reflog cannot be read.
tl::expected<std::string, std::string> last_head_reflog_message(const GitRepository& repo);

// Writes a commit with the parents, message and author of `original` and its tree with
// `updates` applied (paths relative to the work tree root); the committer is `original`'s,
// dated now. Only objects are written: no ref, index or work-tree file changes.
tl::expected<std::string, std::string> write_replacement_commit(
    const GitRepository& repo, const std::string& original, const std::vector<FileChange>& updates);

// Points HEAD (the branch it is on, or HEAD itself when detached) at `target`, in one atomic
// compare-and-swap: fails, changing nothing, unless it points at `expected` now. The reflog
// records `message`. `target` must exist: it is not looked up again.
tl::expected<void, std::string> move_head(const GitRepository& repo, const std::string& expected,
                                          const std::string& target, const std::string& message);

}  // namespace migline
