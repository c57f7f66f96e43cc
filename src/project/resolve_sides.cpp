#include <fmt/format.h>

#include "core/django/migration_module.hpp"
#include "core/plan/side_choice.hpp"
#include "core/text/repo_path.hpp"
#include "git/commit_rewrite.hpp"
#include "project/resolve_planner.hpp"

namespace migline::resolving {
namespace {

// Repository paths of migration files in the tree of `rev`; empty when `rev` names no
// commit; an error when git's files cannot be read.
tl::expected<std::set<std::string>, std::string> migration_paths_at(const GitRepository& repo,
                                                                    const std::string& rev) {
  std::set<std::string> out;
  auto commit = repo.find_commit(rev);
  if (!commit) return tl::make_unexpected(commit.error());
  if (!*commit) return out;
  auto files =
      repo.tree_files(**commit, [](std::string_view path) { return is_relevant_path(path); });
  if (!files) return tl::make_unexpected(files.error());
  for (const GitFile& f : *files) out.insert(f.path);
  return out;
}

// The protected branch: configured, else the remote's HEAD, else main, else master.
tl::expected<std::optional<std::string>, std::string> protected_branch(const GitRepository& repo,
                                                                       const Config& config) {
  if (!config.protected_branch.empty()) return config.protected_branch;
  auto target = repo.symbolic_target("refs/remotes/origin/HEAD");
  if (!target || *target) return target;
  for (const char* branch : {"refs/heads/main", "refs/heads/master"}) {
    auto commit = repo.find_commit(branch);
    if (!commit) return tl::make_unexpected(commit.error());
    if (*commit) return std::optional<std::string>(branch);
  }
  return std::optional<std::string>();
}

std::string short_branch(const std::string& ref) {
  for (std::string_view prefix : {"refs/heads/", "refs/remotes/"}) {
    if (ref.rfind(prefix, 0) == 0) return ref.substr(prefix.size());
  }
  return ref;
}

}  // namespace

tl::expected<void, ResolveFailure> Planner::read_sides() {
  const std::string& merge = options_.committed_merge;
  const auto unreadable = [](const std::string& cause) {
    return tl::make_unexpected(failed(file_error("", cause)));
  };
  auto ours = migration_paths_at(*repo_, sides_.ours_rev);
  if (!ours) return unreadable(ours.error());
  sides_.ours = std::move(*ours);
  if (sides_.operation.incoming) {
    auto theirs = migration_paths_at(*repo_, *sides_.operation.incoming);
    if (!theirs) return unreadable(theirs.error());
    sides_.theirs = std::move(*theirs);
  }
  auto branch = protected_branch(*repo_, snapshot_.project.config);
  if (!branch) return unreadable(branch.error());
  if (*branch) {
    // Merging into the protected branch itself: what it published is what it had before.
    auto tip = repo_->find_commit(**branch);
    if (!tip) return unreadable(tip.error());
    const bool at_merge = !merge.empty() && *tip == merge;
    auto published = migration_paths_at(*repo_, at_merge ? merge + "^1" : **branch);
    if (!published) return unreadable(published.error());
    sides_.published = std::move(*published);
    sides_.protected_name = short_branch(**branch);
  }
  return {};
}

// Migrations that either side renamed since they forked, as git's rename detection finds
// them: the fork is the merge base in a merge, the replayed commit's parent in a rebase or
// cherry-pick. Renames within one migrations package only.
KnownRenames Planner::known_renames() const {
  const GitOperation& operation = sides_.operation;
  std::string ours = sides_.ours_rev;
  std::optional<std::string> incoming = operation.incoming;
  bool merge = operation.kind == GitOperation::Merge;
  if (!incoming) {
    // No operation in progress: a merge git committed cleanly may still have left a
    // reference to what one parent renamed or deleted; its parents are the sides.
    auto head = read_commit(*repo_, sides_.ours_rev);
    if (!head || head->parents.size() != 2) return {};
    ours = head->parents[0];
    incoming = head->parents[1];
    merge = true;
  }
  std::string fork = *incoming + "^";
  if (merge) {
    auto base = repo_->merge_base(ours, *incoming);
    if (!base || !*base) return {};
    fork = **base;
  }
  std::map<std::string, std::string> label_of_dir;  // repository path of `migrations/` -> label
  for (const MigrationPackage& p : snapshot_.project.packages) {
    label_of_dir[repo_path(p.app_dir.empty() ? "migrations" : p.app_dir + "/migrations")] = p.label;
  }
  auto split = [](const std::string& path) {
    const std::string_view file = path_basename(path);
    return std::make_pair(std::string(path_dirname(path)),
                          std::string(file.substr(0, file.size() - 3)));
  };
  KnownRenames out;
  const auto at_fork = migration_paths_at(*repo_, fork);
  for (const std::string& side : {ours, *incoming}) {
    auto renamed = repo_->renames(fork, side, [](std::string_view path) {
      return is_relevant_path(path) && is_migration_module_path(path);
    });
    if (!renamed) continue;  // e.g. a root commit has no parent: nothing to follow
    for (const auto& [from, to] : *renamed) {
      const auto [old_dir, old_name] = split(from);
      const auto [new_dir, new_name] = split(to);
      auto label = label_of_dir.find(old_dir);
      if (old_dir == new_dir && label != label_of_dir.end()) {
        out[{label->second, old_name}] = new_name;
      }
    }
  }
  // A migration one side deleted since the fork and replaced by another, which git does not
  // see as a rename: a reference to it follows that side's leaf of the app.
  if (!at_fork) return out;
  for (const std::string& rev : {ours, *incoming}) {
    const auto side = migration_paths_at(*repo_, rev);
    if (!side || side->empty()) continue;
    for (const std::string& path : *at_fork) {
      if (side->count(path) != 0 || !is_migration_module_path(path)) continue;
      const auto [dir, name] = split(path);
      auto label = label_of_dir.find(dir);
      if (label == label_of_dir.end() || out.count({label->second, name}) != 0) continue;
      if (auto leaf = leaf_on_side(label->second, *side)) {
        out[{label->second, name}] = *leaf;
        replaced_deletions_.insert({label->second, name});
      }
    }
  }
  return out;
}

std::optional<std::string> Planner::leaf_on_side(const std::string& app,
                                                 const std::set<std::string>& side) const {
  std::set<std::string> names, parents;
  for (const DjangoMigration& m : snapshot_.project.migrations) {
    if (m.app != app || side.count(repo_path(m.path)) == 0) continue;
    names.insert(m.name);
    for (const MigrationRef& ref : m.dependencies) {
      if (ref.app == app) parents.insert(ref.name);
    }
  }
  std::vector<std::string> leaves;
  for (const std::string& name : names) {
    if (parents.count(name) == 0) leaves.push_back(name);
  }
  if (leaves.size() != 1) return std::nullopt;
  return leaves.front();
}

// Which leaf stays and which move, for linearizing `app` (core/plan/side_choice).
tl::expected<std::optional<DivergentSet>, ResolveFailure> Planner::choose_sides(
    const std::string& app) {
  const MigrationGraph& graph = snapshot_.project.graph;
  SideFacts facts;
  for (int leaf : graph.leaves(app)) facts.leaf_sides.push_back(side_of(leaf));
  facts.published.resize(graph.nodes().size());
  for (std::size_t n = 0; n < graph.nodes().size(); ++n) {
    facts.published[n] =
        sides_.published.count(repo_path(migration_of(static_cast<int>(n)).path)) != 0;
  }
  facts.protected_name = sides_.protected_name;
  facts.move = options_.move;
  facts.operation_in_progress = sides_.operation.kind != GitOperation::None;
  auto chosen = choose_moving_side(graph, app, facts);
  if (!chosen) return tl::make_unexpected(refused(chosen.error().message, chosen.error().hint));
  return std::optional<DivergentSet>(std::move(*chosen));
}

}  // namespace migline::resolving
