#include "project/auto_merge.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "fs/file_io.hpp"
#include "git/commit_rewrite.hpp"
#include "project/config.hpp"
#include "project/resolution.hpp"

namespace migline {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The nearest `.migline.yaml` from the directory of `path` up to the current directory.
std::optional<Config> nearest_config(const std::string& path) {
  std::string dir = path;
  while (true) {
    const std::size_t slash = dir.rfind('/');
    dir = slash == std::string::npos ? std::string() : dir.substr(0, slash);
    const std::string file = (dir.empty() ? "" : dir + "/") + std::string(kConfigFileName);
    if (auto text = read_file(file)) {
      auto config = parse_config(file, *text);
      return config ? std::optional<Config>(std::move(*config)) : std::nullopt;
    }
    if (dir.empty()) return std::nullopt;
  }
}

MergeRewrite refused(Diagnostic d) {
  d.rule = "post-merge";
  MergeRewrite out;
  out.kind = MergeRewrite::Refused;
  out.diagnostics.push_back(std::move(d));
  return out;
}

// True when HEAD is the merge commit `git merge` has just made: its first parent is where
// the branch was (ORIG_HEAD) and its second the commit merged (MERGE_HEAD, which git 2.39
// still keeps while post-merge runs; else HEAD's reflog says the merge made it).
bool is_fresh_merge(const GitRepository& repo, const CommitInfo& head) {
  if (head.parents.size() != 2 || repo.commit_id("ORIG_HEAD") != head.parents[0]) return false;
  if (auto merged = repo.commit_id("MERGE_HEAD")) return *merged == head.parents[1];
  return last_head_reflog_message(repo).find("Merge made by") != std::string::npos;
}

}  // namespace

bool driver_runs_in_merge(std::optional<std::string_view> reflog_action,
                          GitOperation::Kind in_progress) {
  if (!reflog_action || in_progress != GitOperation::None) return false;
  return starts_with(*reflog_action, "merge ") || starts_with(*reflog_action, "pull ") ||
         *reflog_action == "pull";
}

bool driver_defers_to_post_merge(const std::string& manifest_path) {
  const char* action = std::getenv("GIT_REFLOG_ACTION");
  if (action == nullptr) return false;
  auto config = nearest_config(manifest_path);
  if (!config || !config->resolve_auto) return false;
  auto repo = GitRepository::discover(".");
  if (!repo || !*repo) return false;
  auto operation = (*repo)->operation();
  return operation && driver_runs_in_merge(std::string_view(action), operation->kind);
}

tl::expected<MergeRewrite, Diagnostic> rewrite_merge_commit(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    ResolveOptions options) {
  auto head = read_commit(*repo, "HEAD");
  if (!head) return tl::make_unexpected(file_error("", head.error()));
  MergeRewrite out;
  // MERGE_HEAD without a merge at HEAD: something committed on top of the merge already.
  if (head->parents.size() < 2 && !repo->commit_id("MERGE_HEAD")) return out;
  if (head->parents.size() >= 2) options.committed_merge = head->id;
  auto plan = plan_resolution(repo, prefix, options);
  if (!plan) {
    if (plan.error().kind == ResolveFailure::Error) {
      return tl::make_unexpected(plan.error().diagnostics.front());
    }
    out.kind = MergeRewrite::Refused;
    out.diagnostics = std::move(plan.error().diagnostics);
    return out;
  }
  if (plan->changes.empty()) return out;
  const std::string then = "then `git commit` the result";
  if (head->parents.size() > 2) {
    return refused(file_error("", "an octopus merge is not linearized automatically",
                              "run `migline resolve`, " + then));
  }
  if (!is_fresh_merge(*repo, *head)) {
    return refused(file_error("", "HEAD is no longer the merge commit git just made",
                              "run `migline resolve`, " + then));
  }
  if (head->signed_commit) {
    return refused(file_error("", "the merge commit is signed; migline does not rewrite it",
                              "run `migline resolve`, then `git commit --amend -S`"));
  }
  if (auto clean = check_worktree_for(*repo, *plan); !clean) {
    Diagnostic d = clean.error();
    d.hint =
        "the merge commit was left as it is: stash your changes, run `migline resolve`, " + then;
    return refused(std::move(d));
  }
  std::vector<IndexUpdate> updates;
  for (const FileChange& change : plan->changes) updates.push_back({change.path, change.content});
  // Crash safety (issue 17): objects first; the ref move is the commit point; the work tree
  // and index follow.
  auto commit = write_replacement_commit(*repo, head->id, updates);
  if (!commit)
    return tl::make_unexpected(file_error("", "cannot write the commit: " + commit.error()));
  if (auto moved =
          move_head(*repo, head->id, *commit, "migline: linearize migrations of the merge");
      !moved) {
    return tl::make_unexpected(file_error("", "cannot move HEAD: " + moved.error(),
                                          "nothing was changed; run `migline resolve`"));
  }
  if (auto applied = apply_resolution(*repo, *plan); !applied) {
    Diagnostic d = applied.error();
    d.hint = fmt::format(
        "HEAD is the linearized merge {}, but the work tree and index still hold the merge; "
        "run `git reset --keep HEAD`",
        commit->substr(0, 12));
    return tl::make_unexpected(std::move(d));
  }
  out.kind = MergeRewrite::Rewritten;
  out.report = std::move(plan->report);
  out.diagnostics = std::move(plan->warnings);
  out.old_commit = head->id;
  out.new_commit = *commit;
  return out;
}

}  // namespace migline
