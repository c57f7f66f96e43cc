#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "core/codec/journal_codec.hpp"
#include "core/plan/file_change.hpp"
#include "core/text/diagnostic.hpp"
#include "git/repository.hpp"

namespace migline {

// Everything `resolve` will do, computed and validated in memory; nothing is written yet.
struct Resolution {
  std::vector<std::pair<std::string, std::string>> renames;  // old path, new path
  std::vector<FileChange> changes;                           // writes, then deletions
  std::map<std::string, std::string> before;  // the index's content of each changed path
  std::vector<std::string> report;            // what was found and decided, for people
  Diagnostics warnings;                       // same model on both sides, stale mentions
};

// Fails when the work tree holds what `resolution` must not overwrite: a changed file differs
// from the index, or a new file exists untracked. Nothing is written.
tl::expected<void, Diagnostic> check_worktree_for(const GitRepository& repo,
                                                  const Resolution& resolution);

// Writes `resolution` to the work tree and the index through a write journal, so that even a
// killed process leaves it recoverable. Files that differ from the index in the work tree are
// refused first; a failure midway restores every file already touched and the index. With
// `ref_move` (the post-merge rewrite), HEAD's branch moves first, in the same journal.
tl::expected<void, Diagnostic> apply_resolution(
    const GitRepository& repo, const Resolution& resolution,
    std::optional<JournalRefMove> ref_move = std::nullopt);

}  // namespace migline
