#include "project/resolve.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "core/django/merge_migration.hpp"
#include "core/plan/linearize.hpp"
#include "core/plan/migration_name.hpp"
#include "fs/file_io.hpp"
#include "project/file_source.hpp"
#include "project/manifest_files.hpp"
#include "project/project_loader.hpp"

namespace migline {
namespace {

constexpr std::string_view kMergeHint = "use `migline resolve --strategy merge`";

ResolveFailure refused(std::string message, std::string hint = {}) {
  Diagnostic d = file_error("", std::move(message), std::move(hint));
  d.rule = "resolve";
  return ResolveFailure{ResolveFailure::Refused, {std::move(d)}};
}

ResolveFailure failed(Diagnostic d) {
  return ResolveFailure{ResolveFailure::Error, {std::move(d)}};
}

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

// True when a reference of `m` (dependencies, run_before, replaces) satisfies `pred`.
template <typename Pred>
bool any_reference(const DjangoMigration& m, Pred pred) {
  for (const auto* refs : {&m.dependencies, &m.run_before, &m.replaces}) {
    if (std::any_of(refs->begin(), refs->end(), pred)) return true;
  }
  return false;
}

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
  return path.substr(0, path.rfind('/') + 1) + name;
}

// `leaves` without `leaf`.
std::vector<int> other_leaves(const std::vector<int>& leaves, int leaf) {
  std::vector<int> out;
  for (int l : leaves) {
    if (l != leaf) out.push_back(l);
  }
  return out;
}

std::vector<std::string_view> views(const std::vector<std::string>& texts) {
  return std::vector<std::string_view>(texts.begin(), texts.end());
}

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
  std::string side_of(int node) const {
    const std::string path = repo_path(migration_of(node).path);
    const bool ours = sides_.ours.count(path) != 0, theirs = sides_.theirs.count(path) != 0;
    return ours == theirs ? "" : ours ? "ours" : "theirs";
  }
  bool published(const std::vector<int>& chain) const {
    return std::any_of(chain.begin(), chain.end(), [&](int n) {
      return sides_.published.count(repo_path(migration_of(n).path)) != 0;
    });
  }

  KnownRenames known_renames() const;
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
  std::vector<std::string> report_;
  Diagnostics warnings_;
};

tl::expected<void, ResolveFailure> Planner::reload(bool texts) {
  auto snapshot = load_snapshot(overlay_source(*index_, changes_), texts);
  if (!snapshot) return tl::make_unexpected(snapshot.error());
  snapshot_ = std::move(*snapshot);
  return {};
}

// Migrations that either side renamed since they forked, as git's rename detection finds
// them: the fork is the merge base in a merge, the replayed commit's parent in a rebase or
// cherry-pick. Renames within one migrations package only.
KnownRenames Planner::known_renames() const {
  const GitOperation& operation = sides_.operation;
  if (!operation.incoming) return {};
  std::string fork = *operation.incoming + "^";
  if (operation.kind == GitOperation::Merge) {
    auto base = repo_->merge_base(sides_.ours_rev, *operation.incoming);
    if (!base || !*base) return {};
    fork = **base;
  }
  std::map<std::string, std::string> label_of_dir;  // repository path of `migrations/` -> label
  for (const MigrationPackage& p : snapshot_.project.packages) {
    label_of_dir[repo_path(p.app_dir.empty() ? "migrations" : p.app_dir + "/migrations")] = p.label;
  }
  auto split = [](const std::string& path) {
    const std::size_t slash = path.rfind('/');
    const std::string file = path.substr(slash + 1);
    return std::make_pair(path.substr(0, slash == std::string::npos ? 0 : slash),
                          file.substr(0, file.size() - 3));
  };
  KnownRenames out;
  for (const std::string& side : {sides_.ours_rev, *operation.incoming}) {
    auto renamed = repo_->renames(fork, side, [](std::string_view path) {
      return is_relevant_path(path) && path.size() > 3 && path.substr(path.size() - 3) == ".py";
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
  return out;
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
  if (repairs.edits.empty()) return {};
  std::map<int, std::vector<TextEdit>> by_migration;
  for (const MigrationEdit& e : repairs.edits) {
    by_migration[e.migration].push_back(e.edit);
    const DjangoMigration& m = snapshot_.project.migrations[static_cast<std::size_t>(e.migration)];
    report_.push_back(fmt::format("repair  {}: {}", m.path, e.description));
  }
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

// Which leaf stays and which move, for linearizing `app`.
tl::expected<std::optional<DivergentSet>, ResolveFailure> Planner::choose_sides(
    const std::string& app) {
  const MigrationGraph& graph = snapshot_.project.graph;
  const std::vector<int> leaves = graph.leaves(app);
  std::vector<int> stay, move;
  if (!options_.move.empty()) {
    if (sides_.operation.kind == GitOperation::None) {
      return tl::make_unexpected(refused(
          fmt::format("--move {} needs a merge, rebase or cherry-pick in progress", options_.move),
          "without one there are no sides; drop --move"));
    }
    for (int leaf : leaves) (side_of(leaf) == options_.move ? move : stay).push_back(leaf);
  } else {
    std::vector<int> published_leaves, unpublished;
    for (int leaf : leaves) {
      const bool pub = published(moving_chain(graph, app, leaf, other_leaves(leaves, leaf)));
      (pub ? published_leaves : unpublished).push_back(leaf);
    }
    if (published_leaves.size() > 1) {
      std::vector<std::string> names;
      for (int l : published_leaves)
        names.push_back(graph.nodes()[static_cast<std::size_t>(l)].name);
      return tl::make_unexpected(
          refused(fmt::format("{}: {} are all published on {}; renaming them would rewrite history",
                              app, fmt::join(names, ", "), sides_.protected_name),
                  std::string(kMergeHint)));
    }
    if (published_leaves.size() == 1) {
      stay = published_leaves;
      move = unpublished;
    } else {
      // Nothing published: the incoming side moves; with no operation, all but the first leaf.
      for (int leaf : leaves) (side_of(leaf) == "theirs" ? move : stay).push_back(leaf);
      if (move.empty() || stay.empty()) {
        stay = {leaves.front()};
        move = other_leaves(leaves, leaves.front());
      }
    }
  }
  if (move.empty()) {
    return tl::make_unexpected(refused(fmt::format("{}: no leaf came from {}", app, options_.move),
                                       "drop --move to let migline choose"));
  }
  if (stay.size() != 1) {
    return tl::make_unexpected(refused(
        fmt::format("{}: {} leaves would stay; linearizing keeps exactly one", app, stay.size()),
        std::string(kMergeHint)));
  }
  for (int leaf : move) {
    if (published(moving_chain(graph, app, leaf, stay))) {
      return tl::make_unexpected(refused(
          fmt::format("{}: moving {} would rename migrations published on {}", app,
                      graph.nodes()[static_cast<std::size_t>(leaf)].name, sides_.protected_name),
          std::string(kMergeHint)));
    }
  }
  return DivergentSet{app, stay.front(), move};
}

// Reports each side's migrations since the fork with their operations, and warns when both
// sides touch the same model.
void Planner::describe(const std::string& app, const std::vector<int>& leaves,
                       const DivergentSet* set) {
  const MigrationGraph& graph = snapshot_.project.graph;
  report_.push_back(
      fmt::format("{}: {} leaves; each side's migrations since they forked:", app, leaves.size()));
  std::map<std::string, std::set<int>> models;  // model -> leaves whose side touches it
  for (int leaf : leaves) {
    const bool moves = set != nullptr && set->kept != leaf;
    const std::string side = side_of(leaf);
    for (int n : moving_chain(graph, app, leaf, other_leaves(leaves, leaf))) {
      const DjangoMigration& m = migration_of(n);
      std::vector<std::string> ops;
      for (const MigrationOperation& op : m.operations) {
        ops.push_back(op.model.empty() ? op.type : op.type + " " + op.model);
        if (!op.model.empty()) models[op.model].insert(leaf);
      }
      report_.push_back(
          fmt::format("  {:<6} {:<8} {}{}",
                      set == nullptr ? "merges"
                      : moves        ? "moves"
                                     : "stays",
                      side.empty() ? "" : "(" + side + ")", m.name,
                      ops.empty() ? "" : ": " + fmt::format("{}", fmt::join(ops, ", "))));
    }
  }
  for (const auto& [model, touched_by] : models) {
    if (touched_by.size() < 2) continue;
    Diagnostic d =
        file_error("", fmt::format("both sides change model '{}.{}'", app, model),
                   "check that the migrations still apply, and mean the same, in their new order");
    d.severity = Severity::Warning;
    d.rule = "same-model";
    warnings_.push_back(std::move(d));
  }
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
                  std::string(kMergeHint)));
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

// Tracked files that still mention a renamed migration: tests, fixtures, docs.
void Planner::warn_about_mentions(Resolution& out) const {
  if (renamed_names_.empty()) return;
  auto files = repo_->index_files([&](std::string_view path) {
    return (prefix_.empty() || path.rfind(prefix_ + "/", 0) == 0) && !is_relevant_path(path);
  });
  if (!files) return;
  for (const GitFile& f : *files) {
    if (out.before.count(f.path) != 0) continue;
    auto text = repo_->read_blob(f.id);
    if (!text || text->size() > (8u << 20) || text->find('\0') != std::string::npos) continue;
    for (const auto& [old_name, new_name] : renamed_names_) {
      const std::size_t at = text->find(old_name);
      if (at == std::string::npos) continue;
      Diagnostic d = error_at(f.path, *text, span_at(*text, at, old_name.size()),
                              fmt::format("still mentions {}, now {}", old_name, new_name),
                              "update it by hand if it refers to the migration");
      d.severity = Severity::Warning;
      d.rule = "stale-mention";
      out.warnings.push_back(std::move(d));
    }
  }
}

// True when the snapshot loads cleanly, every app has one leaf and the manifest files in the
// index are current: nothing to plan.
bool Planner::already_linear() const {
  const Project& project = snapshot_.project;
  if (has_errors(project.diagnostics)) return false;
  for (const std::string& app : project.graph.apps()) {
    if (project.graph.leaves(app).size() > 1) return false;
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

}  // namespace

tl::expected<Resolution, ResolveFailure> plan_resolution(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    const ResolveOptions& options) {
  return Planner(repo, prefix, options).run();
}

}  // namespace migline
