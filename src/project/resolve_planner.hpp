#pragma once

// The planner behind `resolve` (project/resolve.hpp), shared by its files: resolve.cpp (the
// steps and applying them), resolve_sides.cpp (reading the sides from git and choosing the one
// that moves), resolve_report.cpp (what it tells the user).

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "core/alembic/alembic_history.hpp"
#include "core/plan/linearize.hpp"
#include "core/plan/side_choice.hpp"
#include "git/repository.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"
#include "project/resolve.hpp"

namespace migline::resolving {

// A refusal: resolve will not do it, and says why and what to do instead.
ResolveFailure refused(std::string message, std::string hint = {});

// A failure to read or write.
ResolveFailure failed(Diagnostic d);

// The project as `resolve` sees it: the index, with the changes planned so far applied.
struct Snapshot {
  std::unique_ptr<FileSource> source;
  Project project;
  std::vector<std::string> texts;  // of project.migrations; empty until read
  std::vector<bool> read;          // which texts are read
};

// Reads the text of each migration of `snapshot` that `needed` picks, unless already read. The
// core's planners read only the texts of the migrations they edit (core/plan/linearize.hpp).
tl::expected<void, ResolveFailure> read_texts(
    Snapshot& snapshot, const std::function<bool(const DjangoMigration&)>& needed);

// True when a reference of `m` (dependencies, run_before, replaces) satisfies `pred`.
template <typename Pred>
bool any_reference(const DjangoMigration& m, Pred pred) {
  for (const auto* refs : {&m.dependencies, &m.run_before, &m.replaces}) {
    if (std::any_of(refs->begin(), refs->end(), pred)) return true;
  }
  return false;
}

// `leaves` without `leaf`.
std::vector<int> other_leaves(const std::vector<int>& leaves, int leaf);

// What resolve knows about where each migration came from.
struct Sides {
  GitOperation operation;
  std::string ours_rev = "HEAD";    // our side: HEAD, or a committed merge's first parent
  std::set<std::string> ours;       // migration paths at HEAD
  std::set<std::string> theirs;     // ... at the incoming commit
  std::set<std::string> published;  // ... on the protected branch
  std::string protected_name;
};

class Planner {
 public:
  Planner(const std::shared_ptr<const GitRepository>& repo, std::string prefix,
          const ResolveOptions& options)
      : repo_(repo), prefix_(std::move(prefix)), options_(options) {}

  tl::expected<Resolution, ResolveFailure> run();

 private:
  std::string repo_path(const std::string& relative) const {
    return prefix_.empty() ? relative : prefix_ + "/" + relative;
  }
  const DjangoMigration& migration_of(int node) const {
    const int index = snapshot_.project.graph.nodes()[static_cast<std::size_t>(node)].migration;
    return snapshot_.project.migrations[static_cast<std::size_t>(index)];
  }
  std::string side_of(int node) const { return side_of_path(migration_of(node).path); }
  // "ours" or "theirs" for a project-relative path only one side has, else "".
  std::string side_of_path(const std::string& relative) const {
    const std::string path = repo_path(relative);
    const bool ours = sides_.ours.count(path) != 0, theirs = sides_.theirs.count(path) != 0;
    return ours == theirs ? "" : ours ? "ours" : "theirs";
  }
  bool published(const std::vector<int>& chain) const {
    return std::any_of(chain.begin(), chain.end(), [&](int n) {
      return sides_.published.count(repo_path(migration_of(n).path)) != 0;
    });
  }

  // Fills sides_: the paths of each side, and what the protected branch published.
  tl::expected<void, ResolveFailure> read_sides();
  // Renames git found between the fork and each side, and migrations a side deleted there,
  // mapped to that side's leaf of their app (recorded in replaced_deletions_).
  KnownRenames known_renames() const;
  // The one leaf of `app` among the migrations whose paths `side` holds; nullopt unless one.
  std::optional<std::string> leaf_on_side(const std::string& app,
                                          const std::set<std::string>& side) const;
  tl::expected<void, ResolveFailure> repair_dangling();
  tl::expected<void, ResolveFailure> require_clean_project() const;
  tl::expected<std::optional<DivergentSet>, ResolveFailure> choose_sides(const std::string& app);
  void describe(const std::string& app, const std::vector<int>& leaves, const DivergentSet* set);
  void plan_merge_migration(const std::string& app, const std::vector<int>& leaves);
  tl::expected<void, ResolveFailure> plan_linearize(const std::vector<DivergentSet>& sets);
  void apply_plan(const ResolutionPlan& plan);
  tl::expected<void, ResolveFailure> validate_and_add_manifests(Resolution& out);
  void warn_about_mentions(Resolution& out) const;
  bool already_linear() const;
  // Alembic (resolve_alembic.cpp): every divergent history linearized, or merged with a merge
  // revision, each step planned on the project as the steps before it left it.
  tl::expected<void, ResolveFailure> plan_alembic(const std::string& strategy);
  tl::expected<LeafChoice, ResolveFailure> choose_alembic_heads(const AlembicHistory& history,
                                                                const std::vector<int>& heads);
  void plan_alembic_merge(const AlembicHistory& history, const std::vector<int>& heads);
  tl::expected<void, ResolveFailure> reparent_alembic(const std::string& location,
                                                      const std::string& kept,
                                                      const std::string& moving);
  const AlembicHistory* alembic_history(const std::string& location) const;
  // Loads the index with the changes planned so far; `texts` as in load_snapshot.
  tl::expected<void, ResolveFailure> reload(bool texts = true);

  std::shared_ptr<const GitRepository> repo_;
  std::string prefix_;
  const ResolveOptions& options_;
  std::unique_ptr<FileSource> index_;
  Snapshot snapshot_;
  Sides sides_;
  // Project-relative path -> new content (std::nullopt: removed), all planned changes so far.
  std::map<std::string, std::optional<std::string>> changes_;
  std::vector<std::pair<std::string, std::string>> renames_;
  std::map<std::string, std::string> renamed_names_;  // old name -> new, for mentions
  // (app, name) of migrations known_renames() maps to a side's leaf because that side deleted
  // them; filled lazily, as known_renames() runs only once a reference dangles.
  mutable std::set<std::pair<std::string, std::string>> replaced_deletions_;
  std::vector<std::string> report_;
  Diagnostics warnings_;
};

}  // namespace migline::resolving
