#include "project/auto_merge.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "core/django/migration_module.hpp"
#include "core/text/repo_path.hpp"
#include "fs/file_io.hpp"
#include "git/commit_rewrite.hpp"
#include "project/config.hpp"
#include "project/resolution.hpp"

namespace migline {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// The nearest `.migline.yaml` from the directory of `path` up to the current directory;
// std::nullopt when there is none. One that cannot be read or is invalid is an error, never
// taken for an absent one.
tl::expected<std::optional<Config>, Diagnostic> nearest_config(std::string_view path) {
  std::string_view dir = path;
  while (true) {
    dir = path_dirname(dir);
    const std::string file = join_path(dir, kConfigFileName);
    auto config = read_config_file(file, file);
    if (!config) return tl::make_unexpected(std::move(config.error().diagnostic));
    if (*config || dir.empty()) return std::move(*config);
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
// still keeps while post-merge runs; else HEAD's reflog says the merge made it). An error
// when one of them cannot be read: an unreadable ref is not an absent one.
tl::expected<bool, std::string> is_fresh_merge(const GitRepository& repo, const CommitInfo& head) {
  if (head.parents.size() != 2) return false;
  auto before = repo.find_commit("ORIG_HEAD");
  if (!before) return tl::make_unexpected(before.error());
  if (*before != head.parents[0]) return false;
  auto merged = repo.find_commit("MERGE_HEAD");
  if (!merged) return tl::make_unexpected(merged.error());
  if (*merged) return **merged == head.parents[1];
  auto message = last_head_reflog_message(repo);
  if (!message) return tl::make_unexpected(message.error());
  return message->find("Merge made by") != std::string::npos;
}

using MigrationDirs = std::map<std::string, std::set<std::string>>;

// Where the `versions/` directory of an Alembic revision path ends (its sub-directories are
// one history), or npos for any other path.
std::size_t alembic_versions_end(std::string_view path) {
  if (path.size() < 3 || path.substr(path.size() - 3) != ".py") return std::string_view::npos;
  const std::size_t at = ("/" + std::string(path)).rfind("/versions/");
  return at == std::string::npos ? std::string_view::npos
                                 : at + std::string_view("versions").size();
}

// Migration directories (and Alembic `versions/` directories) of the tree of `rev` mapped to
// their files.
tl::expected<MigrationDirs, std::string> migration_dirs_at(const GitRepository& repo,
                                                           const std::string& rev) {
  MigrationDirs out;
  auto files = repo.tree_files(rev, [](std::string_view path) {
    return is_migration_module_path(path) || alembic_versions_end(path) != std::string_view::npos;
  });
  if (!files) return tl::make_unexpected(files.error());
  for (GitFile& f : *files) {
    const std::size_t versions = alembic_versions_end(f.path);
    if (!is_migration_module_path(f.path) && versions != std::string_view::npos) {
      out[f.path.substr(0, versions)].insert(f.path.substr(versions + 1));
      continue;
    }
    out[std::string(path_dirname(f.path))].insert(std::string(path_basename(f.path)));
  }
  return out;
}

// True when some migrations directory gained a file on both sides since the merge base: only
// then can the two sides have diverged. Paths only, so that a merge of anything else costs
// three tree listings.
tl::expected<bool, std::string> both_sides_added_migrations(const GitRepository& repo,
                                                            const std::string& ours,
                                                            const std::string& theirs) {
  auto base = repo.merge_base(ours, theirs);
  if (!base) return tl::make_unexpected(base.error());
  if (!*base) return true;  // unrelated histories: let resolve decide
  const auto before = migration_dirs_at(repo, **base);
  if (!before) return tl::make_unexpected(before.error());
  const auto gained =
      [&](const std::string& rev) -> tl::expected<std::set<std::string>, std::string> {
    auto after = migration_dirs_at(repo, rev);
    if (!after) return tl::make_unexpected(after.error());
    std::set<std::string> dirs;
    for (const auto& [dir, files] : *after) {
      auto old = before->find(dir);
      for (const std::string& file : files) {
        if (old == before->end() || old->second.count(file) == 0) {
          dirs.insert(dir);
          break;
        }
      }
    }
    return dirs;
  };
  const auto a = gained(ours);
  if (!a) return tl::make_unexpected(a.error());
  const auto b = gained(theirs);
  if (!b) return tl::make_unexpected(b.error());
  return std::any_of(a->begin(), a->end(), [&](const std::string& dir) { return b->count(dir); });
}

}  // namespace

bool driver_runs_in_merge(std::optional<std::string_view> reflog_action,
                          GitOperation::Kind in_progress) {
  if (!reflog_action || in_progress != GitOperation::None) return false;
  return starts_with(*reflog_action, "merge ") || starts_with(*reflog_action, "pull ") ||
         *reflog_action == "pull";
}

tl::expected<bool, Diagnostic> driver_defers_to_post_merge(const std::string& manifest_path,
                                                           const GitEnvironment& environment) {
  if (!environment.reflog_action) return false;
  auto config = nearest_config(manifest_path);
  if (!config) return tl::make_unexpected(std::move(config.error()));
  if (!*config || !(*config)->resolve_auto) return false;
  auto repo = GitRepository::discover(".", environment);
  if (!repo || !*repo) return false;
  auto operation = (*repo)->operation();
  return operation && driver_runs_in_merge(*environment.reflog_action, operation->kind);
}

tl::expected<MergeRewrite, Diagnostic> rewrite_merge_commit(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    ResolveOptions options) {
  const std::string then = "then `git commit` the result";
  const std::string unchanged =
      "nothing was changed: HEAD is still the merge commit git made; once the cause is fixed, "
      "run `migline resolve`, " +
      then;
  // Reading fails only when git's files cannot be read (absent ones are answers): nothing is
  // changed, and the message says why.
  bool at_merge = false;
  const auto unreadable = [&](const std::string& cause) {
    return tl::make_unexpected(file_error("", cause, at_merge ? unchanged : kHookDidNothing));
  };
  auto head = read_commit(*repo, "HEAD");
  if (!head) return unreadable(head.error());
  at_merge = head->parents.size() >= 2;
  MergeRewrite out;
  if (head->parents.size() < 2) {
    // MERGE_HEAD without a merge at HEAD: something committed on top of the merge already.
    auto merging = repo->find_commit("MERGE_HEAD");
    if (!merging) return unreadable(merging.error());
    if (!*merging) return out;
  }
  if (head->parents.size() >= 2) options.committed_merge = head->id;
  const std::string ours = head->parents.size() >= 2 ? head->parents[0] : "HEAD";
  const std::string theirs = head->parents.size() >= 2 ? head->parents[1] : "MERGE_HEAD";
  auto diverging = both_sides_added_migrations(*repo, ours, theirs);
  if (!diverging) return unreadable(diverging.error());
  if (!*diverging) return out;
  options.unless_linear = true;
  auto plan = plan_resolution(repo, prefix, options);
  if (!plan) {
    if (plan.error().kind == ResolveFailure::Error) {
      Diagnostic d = plan.error().diagnostics.front();
      if (d.hint.empty()) d.hint = unchanged;
      return tl::make_unexpected(std::move(d));
    }
    out.kind = MergeRewrite::Refused;
    out.diagnostics = std::move(plan.error().diagnostics);
    return out;
  }
  if (plan->changes.empty()) return out;
  if (head->parents.size() > 2) {
    return refused(file_error("", "an octopus merge is not linearized automatically",
                              "run `migline resolve`, " + then));
  }
  auto fresh = is_fresh_merge(*repo, *head);
  if (!fresh) return unreadable(fresh.error());
  if (!*fresh) {
    return refused(file_error("", "HEAD is no longer the merge commit git just made",
                              "run `migline resolve`, " + then));
  }
  if (head->signed_commit) {
    return refused(file_error("", "the merge commit is signed; migline does not rewrite it",
                              "run `migline resolve`, then `git commit --amend -S`"));
  }
  if (auto clean = check_worktree_for(*repo, *plan); !clean) {
    Diagnostic d = clean.error();
    if (d.hint == "nothing was changed") {  // a file that cannot be read, not one with changes
      d.hint = unchanged;
      return tl::make_unexpected(std::move(d));
    }
    d.hint =
        "the merge commit was left as it is: stash your changes, run `migline resolve`, " + then;
    return refused(std::move(d));
  }
  // Crash safety (issue 17): objects first, then one write journal that records the move of
  // HEAD's branch with the files, so that a kill anywhere is finished or undone by
  // `migline resolve` [--abort], and a failure undoes the move with the files.
  auto commit = write_replacement_commit(*repo, head->id, plan->changes);
  if (!commit) {
    return tl::make_unexpected(
        file_error("", "cannot write the commit: " + commit.error(), unchanged));
  }
  JournalRefMove move{head->id, *commit, "migline: linearize migrations of the merge"};
  if (auto applied = apply_resolution(*repo, *plan, std::move(move)); !applied) {
    Diagnostic d = applied.error();
    // Otherwise the hint already names `migline resolve` / `--abort` for the pending journal.
    if (d.hint == "nothing was changed") d.hint = unchanged;
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
