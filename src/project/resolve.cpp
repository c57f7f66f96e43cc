#include "project/resolve.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "core/django/merge_migration.hpp"
#include "core/plan/linearize.hpp"
#include "core/plan/migration_name.hpp"
#include "core/plan/side_choice.hpp"
#include "core/text/repo_path.hpp"
#include "fs/file_io.hpp"
#include "project/file_source.hpp"
#include "project/manifest_files.hpp"
#include "project/project_loader.hpp"
#include "project/resolve_planner.hpp"

namespace migline {
namespace resolving {

ResolveFailure refused(std::string message, std::string hint) {
  Diagnostic d = file_error("", std::move(message), std::move(hint));
  d.rule = "resolve";
  return ResolveFailure{ResolveFailure::Refused, {std::move(d)}};
}

ResolveFailure failed(Diagnostic d) {
  return ResolveFailure{ResolveFailure::Error, {std::move(d)}};
}

tl::expected<void, ResolveFailure> read_texts(
    Snapshot& snapshot, const std::function<bool(const DjangoMigration&)>& needed) {
  const std::vector<DjangoMigration>& migrations = snapshot.project.migrations;
  snapshot.texts.resize(migrations.size());
  snapshot.read.resize(migrations.size(), false);
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    if (snapshot.read[i] || !needed(migrations[i])) continue;
    auto text = snapshot.source->read(migrations[i].path);
    if (!text) return tl::make_unexpected(failed(file_error(migrations[i].path, text.error())));
    snapshot.texts[i] = std::move(*text);
    snapshot.read[i] = true;
  }
  return {};
}

std::vector<int> other_leaves(const std::vector<int>& leaves, int leaf) {
  std::vector<int> out;
  for (int l : leaves) {
    if (l != leaf) out.push_back(l);
  }
  return out;
}

namespace {

tl::expected<void, ResolveFailure> read_all_texts(Snapshot& snapshot) {
  return read_texts(snapshot, [](const DjangoMigration&) { return true; });
}

// A migration's (app label, name), as views of strings that outlive it.
struct MigrationKey {
  std::string_view app, name;
  bool operator==(const MigrationKey& other) const {
    return app == other.app && name == other.name;
  }
};
struct MigrationKeyHash {
  std::size_t operator()(const MigrationKey& key) const {
    const std::hash<std::string_view> hash;
    return hash(key.app) * 31 + hash(key.name);
  }
};

// Loads `source`; with `texts`, also reads every migration's text for planning.
tl::expected<Snapshot, ResolveFailure> load_snapshot(std::unique_ptr<FileSource> source,
                                                     bool texts) {
  auto project = load_project(*source);
  if (!project) return tl::make_unexpected(failed(project.error()));
  Snapshot out{std::move(source), std::move(*project), {}, {}};
  if (texts) {
    if (auto read = read_all_texts(out); !read) return tl::make_unexpected(read.error());
  }
  return out;
}

// `name` in the directory of `path`.
std::string sibling_path(const std::string& path, const std::string& name) {
  return join_path(path_dirname(path), name);
}

std::vector<std::string_view> views(const std::vector<std::string>& texts) {
  return std::vector<std::string_view>(texts.begin(), texts.end());
}

}  // namespace

tl::expected<void, ResolveFailure> Planner::reload(bool texts) {
  auto snapshot = load_snapshot(overlay_source(*index_, changes_), texts);
  if (!snapshot) return tl::make_unexpected(snapshot.error());
  snapshot_ = std::move(*snapshot);
  return {};
}

// The other side of a merge or cherry-pick may have renamed a migration this side still names;
// a later commit of a rebase may still name a migration an earlier stop renamed.
tl::expected<void, ResolveFailure> Planner::repair_dangling() {
  // Only a migration with a reference to no migration of the project can be repaired: without
  // one there is nothing to plan, and no text to read.
  std::unordered_set<MigrationKey, MigrationKeyHash> existing;
  existing.reserve(snapshot_.project.migrations.size());
  for (const DjangoMigration& m : snapshot_.project.migrations) existing.insert({m.app, m.name});
  const auto dangles = [&](const DjangoMigration& m) {
    return any_reference(m, [&](const MigrationRef& ref) {
      return existing.count({ref.app, ref.name}) == 0;
    });
  };
  const std::vector<DjangoMigration>& migrations = snapshot_.project.migrations;
  if (std::none_of(migrations.begin(), migrations.end(), dangles)) return {};
  if (auto read = read_texts(snapshot_, dangles); !read) return read;
  std::vector<std::string> apps;
  for (const MigrationPackage& p : snapshot_.project.packages) apps.push_back(p.label);
  const ResolutionPlan repairs =
      plan_dangling_repairs(snapshot_.project.migrations, views(snapshot_.texts), apps,
                            [this] { return known_renames(); });
  std::map<int, std::vector<TextEdit>> by_migration;
  for (const MigrationEdit& e : repairs.edits) {
    const DjangoMigration& m = snapshot_.project.migrations[static_cast<std::size_t>(e.migration)];
    const bool deleted = replaced_deletions_.count({e.app, e.old_name}) != 0;
    if (deleted && e.app != m.app) {
      continue;  // another app's chain: its leaf is no stand-in for the migration it named
    }
    by_migration[e.migration].push_back(e.edit);
    report_.push_back(fmt::format("repair  {}: {}{}", m.path, e.description,
                                  deleted
                                      ? fmt::format(" ({} was deleted since the fork; re-parented "
                                                    "onto the leaf of the side that deleted it)",
                                                    e.old_name)
                                      : std::string()));
  }
  if (by_migration.empty()) return {};
  for (auto& [index, edits] : by_migration) {
    const auto i = static_cast<std::size_t>(index);
    changes_[snapshot_.project.migrations[i].path] = apply_edits(snapshot_.texts[i], edits);
  }
  // A repaired migration of the same app that is now numbered at or before the migration it
  // follows (an earlier stop renumbered its parent) moves after it, with its descendants.
  std::map<std::string, std::set<std::string>> to_renumber;  // app -> names
  for (const MigrationEdit& e : repairs.edits) {
    const DjangoMigration& m = snapshot_.project.migrations[static_cast<std::size_t>(e.migration)];
    if (e.app == m.app &&
        split_migration_number(m.name).value <= split_migration_number(e.name).value) {
      to_renumber[m.app].insert(m.name);
    }
  }
  if (auto reloaded = reload(); !reloaded || to_renumber.empty()) return reloaded;
  for (const auto& [app, names] : to_renumber) {
    const MigrationGraph& graph = snapshot_.project.graph;
    std::vector<int> chain;
    for (int n : graph.ordered(app)) {
      const MigrationGraph::Node& node = graph.nodes()[static_cast<std::size_t>(n)];
      const bool follows = std::any_of(node.parents.begin(), node.parents.end(), [&](int p) {
        return std::find(chain.begin(), chain.end(), p) != chain.end();
      });
      if (names.count(node.name) != 0 || follows) chain.push_back(n);
    }
    auto plan =
        plan_renumbering(snapshot_.project.migrations, views(snapshot_.texts), graph, app, chain);
    if (!plan) return tl::make_unexpected(refused(plan.error()));
    apply_plan(*plan);
    if (auto reloaded = reload(); !reloaded) return reloaded;
  }
  return {};
}

tl::expected<void, ResolveFailure> Planner::require_clean_project() const {
  Diagnostics errors;
  for (const Diagnostic& d : snapshot_.project.diagnostics) {
    if (d.severity == Severity::Error) errors.push_back(d);
  }
  if (errors.empty()) return {};
  errors.push_back(file_error("", "resolve works on a project that loads cleanly",
                              "fix the errors above, `git add` the files, then run it again"));
  errors.back().rule = "resolve";
  return tl::make_unexpected(ResolveFailure{ResolveFailure::Refused, std::move(errors)});
}

void Planner::plan_merge_migration(const std::string& app, const std::vector<int>& leaves) {
  std::vector<std::string> names;
  for (int leaf : leaves)
    names.push_back(snapshot_.project.graph.nodes()[static_cast<std::size_t>(leaf)].name);
  const std::string name = merge_migration_name(names, options_.timestamp);
  const std::string path = sibling_path(migration_of(leaves.front()).path, name + ".py");
  changes_[path] = render_merge_migration(app, names, options_.header);
  report_.push_back(fmt::format("  create {}", path));
}

tl::expected<void, ResolveFailure> Planner::plan_linearize(const std::vector<DivergentSet>& sets) {
  // Only the divergent apps' migrations and those that refer to them can be edited.
  std::set<std::string> apps;
  for (const DivergentSet& set : sets) apps.insert(set.app);
  auto read = read_texts(snapshot_, [&](const DjangoMigration& m) {
    return apps.count(m.app) != 0 ||
           any_reference(m, [&](const MigrationRef& ref) { return apps.count(ref.app) != 0; });
  });
  if (!read) return read;
  const Project& project = snapshot_.project;
  auto plan = plan_linearization(project.migrations, views(snapshot_.texts), project.graph, sets);
  if (!plan) return tl::make_unexpected(refused(plan.error()));
  apply_plan(*plan);
  return {};
}

// Turns `plan` into file changes: edited files, and renamed files at their new paths.
void Planner::apply_plan(const ResolutionPlan& plan) {
  const Project& project = snapshot_.project;
  std::map<int, std::vector<TextEdit>> edits;
  for (const MigrationEdit& e : plan.edits) edits[e.migration].push_back(e.edit);
  std::map<int, std::string> new_names;
  for (const MigrationRename& r : plan.renames) new_names[r.migration] = r.new_name;
  std::set<std::string> new_paths;
  std::vector<std::string> old_paths;
  std::set<int> touched;
  for (const auto& entry : edits) touched.insert(entry.first);
  for (const auto& entry : new_names) touched.insert(entry.first);
  for (int index : touched) {
    const auto i = static_cast<std::size_t>(index);
    const DjangoMigration& m = project.migrations[i];
    auto e = edits.find(index);
    std::string text =
        e == edits.end() ? snapshot_.texts[i] : apply_edits(snapshot_.texts[i], e->second);
    auto renamed = new_names.find(index);
    if (renamed == new_names.end()) {
      changes_[m.path] = std::move(text);
      continue;
    }
    const std::string new_path = sibling_path(m.path, renamed->second + ".py");
    changes_[new_path] = std::move(text);
    new_paths.insert(new_path);
    old_paths.push_back(m.path);
    renames_.emplace_back(repo_path(m.path), repo_path(new_path));
    renamed_names_[m.name] = renamed->second;
  }
  // A chain may be renamed onto another migration's old name; that path keeps new content.
  for (const std::string& old_path : old_paths) {
    if (new_paths.count(old_path) == 0) changes_[old_path] = std::nullopt;
  }
}

tl::expected<void, ResolveFailure> Planner::validate_and_add_manifests(Resolution& out) {
  // The last load only validates: no migration text is needed after it.
  if (auto reloaded = reload(false); !reloaded) return reloaded;
  if (auto clean = require_clean_project(); !clean) {
    ResolveFailure failure = clean.error();
    failure.diagnostics.back().message = "the plan would leave these errors; nothing was changed";
    return tl::make_unexpected(failure);
  }
  for (const std::string& app : snapshot_.project.graph.apps()) {
    if (snapshot_.project.graph.leaves(app).size() > 1) {
      return tl::make_unexpected(
          refused(fmt::format("{} would still have several leaves; nothing was changed", app),
                  std::string(kMergeStrategyHint)));
    }
  }
  for (const AlembicHistory& history : snapshot_.project.alembic) {
    if (!history.divergent_groups().empty()) {
      return tl::make_unexpected(refused(
          fmt::format("alembic history {} would still have several heads; nothing was changed",
                      history.location),
          std::string(kMergeStrategyHint)));
    }
  }
  for (const ManifestFile& file : expected_manifests(snapshot_.project)) {
    auto staged = index_->read_extra(file.path);
    auto on_disk = read_file(repo_->workdir() + "/" + repo_path(file.path));
    const bool current =
        staged && *staged && **staged == file.content && on_disk && *on_disk == file.content;
    if (!current) changes_[file.path] = file.content;
  }
  for (const auto& [path, content] : changes_) {
    out.changes.push_back(FileChange{repo_path(path), content});
    auto before = index_->read_extra(path);
    if (!before) {
      return tl::make_unexpected(
          failed(file_error(repo_path(path), "cannot read: " + before.error())));
    }
    if (*before) out.before[repo_path(path)] = std::move(**before);
  }
  // Writes before deletions, so that a failure never leaves a migration missing.
  std::stable_partition(out.changes.begin(), out.changes.end(),
                        [](const FileChange& c) { return c.content.has_value(); });
  out.renames = renames_;
  return {};
}

// True when the snapshot loads cleanly, every app has one leaf and the manifest files in the
// index are current: nothing to plan.
bool Planner::already_linear() const {
  const Project& project = snapshot_.project;
  if (has_errors(project.diagnostics)) return false;
  for (const std::string& app : project.graph.apps()) {
    if (project.graph.leaves(app).size() > 1) return false;
  }
  for (const AlembicHistory& history : project.alembic) {
    if (!history.divergent_groups().empty()) return false;
  }
  for (const ManifestFile& file : expected_manifests(project)) {
    auto staged = index_->read_extra(file.path);
    if (!staged || !*staged || **staged != file.content) return false;
  }
  return true;
}

tl::expected<Resolution, ResolveFailure> Planner::run() {
  auto conflicts = repo_->conflicted_paths();
  if (!conflicts) return tl::make_unexpected(failed(file_error("", conflicts.error())));
  for (const std::string& path : *conflicts) {
    if (is_relevant_path(path)) {
      return tl::make_unexpected(
          refused(fmt::format("{} has a conflict git could not merge", path),
                  "fix it by hand and `git add` it, then run `migline resolve` again"));
    }
  }
  auto index = open_index_source(repo_, prefix_);
  if (!index) return tl::make_unexpected(failed(file_error("", index.error())));
  index_ = std::move(*index);
  // Through the parse cache only: each step below reads the texts it may edit.
  if (auto loaded = reload(false); !loaded) return tl::make_unexpected(loaded.error());
  if (options_.unless_linear && already_linear()) return Resolution{};
  auto operation = repo_->operation();
  if (!operation) return tl::make_unexpected(failed(file_error("", operation.error())));
  sides_.operation = *operation;
  const std::string& merge = options_.committed_merge;
  const auto unreadable = [](const std::string& cause) {
    return tl::make_unexpected(failed(file_error("", cause)));
  };
  if (!merge.empty()) {
    auto merged = repo_->find_commit(merge + "^2");
    if (!merged) return unreadable(merged.error());
    sides_.operation = GitOperation{GitOperation::Merge, *merged};
    sides_.ours_rev = merge + "^1";
  }
  if (auto repaired = repair_dangling(); !repaired) return tl::make_unexpected(repaired.error());
  if (auto clean = require_clean_project(); !clean) return tl::make_unexpected(clean.error());

  if (auto read = read_sides(); !read) return tl::make_unexpected(read.error());

  const std::string strategy =
      options_.strategy.empty() ? snapshot_.project.config.resolve_strategy : options_.strategy;
  std::vector<DivergentSet> sets;
  for (const std::string& app : snapshot_.project.graph.apps()) {
    const std::vector<int> leaves = snapshot_.project.graph.leaves(app);
    if (leaves.size() < 2) continue;
    if (strategy == "merge") {
      describe(app, leaves, nullptr);
      plan_merge_migration(app, leaves);
      continue;
    }
    auto set = choose_sides(app);
    if (!set) return tl::make_unexpected(set.error());
    describe(app, leaves, &**set);
    sets.push_back(std::move(**set));
  }
  if (!sets.empty()) {
    if (auto planned = plan_linearize(sets); !planned) return tl::make_unexpected(planned.error());
  }
  if (auto planned = plan_alembic(strategy); !planned) return tl::make_unexpected(planned.error());
  Resolution out;
  if (auto valid = validate_and_add_manifests(out); !valid) {
    return tl::make_unexpected(valid.error());
  }
  for (const auto& [from, to] : out.renames)
    report_.push_back(fmt::format("rename  {} -> {}", from, to));
  out.report = std::move(report_);
  out.warnings = std::move(warnings_);
  warn_about_mentions(out);
  return out;
}

}  // namespace resolving

tl::expected<Resolution, ResolveFailure> plan_resolution(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    const ResolveOptions& options) {
  return resolving::Planner(repo, prefix, options).run();
}

}  // namespace migline
