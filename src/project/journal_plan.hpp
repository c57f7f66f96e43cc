#pragma once

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

// HEAD and the commit being merged, rebased or cherry-picked, as "HEAD [INCOMING]": the
// commits a journal is planned on.
std::string commits_now(const GitRepository& repo);

// The journal of `changes` by `operation`: the state of every path now (work tree and index)
// and after, and the move of HEAD's branch to make first, if any. Reads only.
tl::expected<WriteJournal, Diagnostic> plan_journal(
    const GitRepository& repo, const std::string& operation, const std::vector<FileChange>& changes,
    std::vector<std::pair<std::string, std::string>> renames,
    std::optional<JournalRefMove> ref_move = std::nullopt);

}  // namespace migline
