#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/text/diagnostic.hpp"
#include "git/repository.hpp"
#include "project/resolve.hpp"

namespace migline {

// True when a merge driver runs inside `git merge` or a merging `git pull`, the only commands
// after which the post-merge hook runs: git sets GIT_REFLOG_ACTION to `merge ...` or
// `pull ...` there, leaves it unset in cherry-pick, revert, stash and am, and a rebasing pull
// (also `pull ...`) has a rebase in progress. Measured with git 2.39 (docs/decisions.md).
bool driver_runs_in_merge(std::optional<std::string_view> reflog_action,
                          GitOperation::Kind in_progress);

// For the merge driver of the manifest at `manifest_path` (relative to the work tree top, the
// current directory; the repository `environment` names, else the one around it): true when the
// nearest `.migline.yaml` above it says `resolve: {auto: true}` and the driver runs in a merge
// (driver_runs_in_merge). Then a diverged app is written as one divergent entry for the post-merge
// hook to linearize. An error when that `.migline.yaml` cannot be read or is invalid.
tl::expected<bool, Diagnostic> driver_defers_to_post_merge(const std::string& manifest_path,
                                                           const GitEnvironment& environment);

// The advice after a hook could not read what it needed and so did nothing.
inline constexpr const char* kHookDidNothing =
    "the hook did nothing; once the cause is fixed, `migline check` says whether the "
    "repository needs `migline resolve`";

// What the post-merge hook did with the merge commit at HEAD.
struct MergeRewrite {
  enum Kind {
    NotNeeded,  // not a merge, or nothing diverged
    Rewritten,  // replaced by a linear one
    Refused,    // left as it is; `diagnostics` say why and what to run
  } kind = NotNeeded;
  std::vector<std::string> report;  // what was found and moved, for people
  Diagnostics diagnostics;
  std::string old_commit, new_commit;
};

// With `resolve: {auto: true}`, in the post-merge hook: plans what `resolve` would do to the
// merge result (the index, below `prefix`), and replaces the merge commit git just made by one
// with the same parents, message and author and the linearized tree. Order: the new commit
// object, then HEAD's branch moved by compare-and-swap (reflog "migline: ..."), then the work
// tree files and the index. Refuses (changing nothing) a signed commit, a HEAD that is not the
// merge just made, an octopus, unstaged work in the way, and whatever `resolve` refuses.
tl::expected<MergeRewrite, Diagnostic> rewrite_merge_commit(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    ResolveOptions options);

}  // namespace migline
