#include "project/switch_check.hpp"

#include <algorithm>
#include <functional>
#include <set>

#include "core/django/migration_module.hpp"
#include "core/manifest/manifest.hpp"
#include "core/text/repo_path.hpp"
#include "git/commit_rewrite.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"

namespace migline {
namespace {

// The app directory of a migration path: what is before `/migrations/`.
std::string app_dir_of(const std::string& path) {
  return std::string(path_dirname(path_dirname(path)));
}

// App directories of the migration paths of `from` that `to` lacks.
std::set<std::string> dirs_losing_migrations(const FileSource& from, const FileSource& to) {
  std::set<std::string> out;
  const std::vector<std::string>& kept = to.paths();
  for (const std::string& path : from.paths()) {
    if (is_migration_module_path(path) && !std::binary_search(kept.begin(), kept.end(), path)) {
      out.insert(app_dir_of(path));
    }
  }
  return out;
}

// `base` listing only the config and the files of the app directories `dirs`: the apps whose
// migrations changed are all a hook needs to read. Their references to other apps become
// external, which changes nothing within each app.
class SubsetSource : public FileSource {
 public:
  SubsetSource(const FileSource& base, const std::function<bool(const std::string&)>& keep)
      : base_(base) {
    for (const std::string& path : base.paths()) {
      if (keep(path) || path.find('/') == std::string::npos) paths_.push_back(path);
    }
  }
  const std::vector<std::string>& paths() const override { return paths_; }
  tl::expected<std::string, std::string> read(std::string_view path) const override {
    return base_.read(path);
  }
  tl::expected<std::optional<std::string>, std::string> read_extra(
      const std::string& path) const override {
    return base_.read_extra(path);
  }
  std::string describe() const override { return base_.describe(); }
  std::optional<KnownBlob> known_blob(std::string_view path) const override {
    return base_.known_blob(path);
  }
  std::string parse_cache_file() const override { return base_.parse_cache_file(); }

 private:
  const FileSource& base_;
  std::vector<std::string> paths_;
};

// The project of the apps in `dirs` only.
tl::expected<Project, std::string> load_apps(const FileSource& source,
                                             const std::set<std::string>& dirs) {
  auto project = load_project(SubsetSource(source, [&](const std::string& path) {
    const std::string dir(path_dirname(path));
    const bool in_migrations = path_basename(dir) == "migrations";  // a module or __init__.py
    return dirs.count(dir) != 0 || (in_migrations && dirs.count(app_dir_of(path)) != 0);
  }));
  if (!project) return tl::make_unexpected(project.error().message);
  return std::move(*project);
}

// An Alembic revision file or what says where they are; never a Django package marker.
bool is_alembic_path(const std::string& path) {
  const std::string_view file = path_basename(path);
  if (file == "alembic.ini" || file == "pyproject.toml" || file == "env.py") return true;
  return !is_migration_module_path(path) && ("/" + path).find("/versions/") != std::string::npos;
}

// True when `to` lacks a revision path of `from`, or has one with other content.
bool alembic_changed(const FileSource& from, const FileSource& to) {
  const std::vector<std::string>& kept = to.paths();
  for (const std::string& path : from.paths()) {
    if (!is_alembic_path(path)) continue;
    if (!std::binary_search(kept.begin(), kept.end(), path)) return true;
    const auto a = from.known_blob(path), b = to.known_blob(path);
    if (!a || !b || !git_oid_equal(&a->id, &b->id)) return true;
  }
  return false;
}

// The Alembic histories of `source` only (no Django app is read).
tl::expected<std::vector<AlembicHistory>, std::string> load_histories(const FileSource& source) {
  auto project = load_project(SubsetSource(source, is_alembic_path));
  if (!project) return tl::make_unexpected(project.error().message);
  return std::move(project->alembic);
}

// For each history of `from`, what `to` lacks or changed (plan_alembic_rollback); with
// `lacking_only`, only the revisions `to` lacks.
tl::expected<std::vector<AlembicRollback>, std::string> alembic_changes(const FileSource& from,
                                                                        const FileSource& to,
                                                                        bool lacking_only) {
  std::vector<AlembicRollback> out;
  if (!alembic_changed(from, to)) return out;
  auto old_histories = load_histories(from);
  if (!old_histories) return tl::make_unexpected(old_histories.error());
  auto new_histories = load_histories(to);
  if (!new_histories) return tl::make_unexpected(new_histories.error());
  for (const AlembicHistory& h : *old_histories) {
    const AlembicHistory* there = nullptr;
    for (const AlembicHistory& n : *new_histories) {
      if (n.location == h.location) there = &n;
    }
    AlembicRollback rollback = plan_alembic_rollback(h, there);
    if (lacking_only && there != nullptr) {
      std::vector<std::string>& ids = rollback.removed;
      ids.erase(std::remove_if(ids.begin(), ids.end(),
                               [&](const std::string& id) { return there->find(id) >= 0; }),
                ids.end());
    }
    if (!rollback.removed.empty()) out.push_back(std::move(rollback));
  }
  return out;
}

struct Trees {
  std::unique_ptr<FileSource> from, to;
};

tl::expected<Trees, std::string> open_trees(const std::shared_ptr<const GitRepository>& repo,
                                            const std::string& prefix, const std::string& from,
                                            const std::string& to) {
  auto a = open_tree_source(repo, prefix, from);
  if (!a) return tl::make_unexpected(a.error());
  auto b = open_tree_source(repo, prefix, to);
  if (!b) return tl::make_unexpected(b.error());
  return Trees{std::move(*a), std::move(*b)};
}

// Live migrations of `project` whose path `other` does not list, by app, in graph order.
std::map<std::string, std::vector<int>> missing_from(const Project& project,
                                                     const FileSource& other) {
  std::map<std::string, std::vector<int>> out;
  const std::vector<std::string>& listed = other.paths();
  const MigrationGraph& graph = project.graph;
  for (const std::string& app : graph.apps()) {
    for (int node : graph.ordered(app)) {
      const MigrationGraph::Node& n = graph.nodes()[static_cast<std::size_t>(node)];
      const std::string& path = project.migrations[static_cast<std::size_t>(n.migration)].path;
      if (!std::binary_search(listed.begin(), listed.end(), path)) out[app].push_back(node);
    }
  }
  return out;
}

}  // namespace

tl::expected<SwitchRollbacks, std::string> rollbacks_between(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    const std::string& old_rev, const std::string& new_rev) {
  auto trees = open_trees(repo, prefix, old_rev, new_rev);
  if (!trees) return tl::make_unexpected(trees.error());
  SwitchRollbacks out;
  auto alembic = alembic_changes(*trees->from, *trees->to, false);
  if (!alembic) return tl::make_unexpected(alembic.error());
  out.alembic = std::move(*alembic);
  const std::set<std::string> dirs = dirs_losing_migrations(*trees->from, *trees->to);
  if (dirs.empty()) return out;
  auto old_project = load_apps(*trees->from, dirs);
  if (!old_project) return tl::make_unexpected(old_project.error());
  const MigrationGraph& graph = old_project->graph;
  for (const auto& [app, nodes] : missing_from(*old_project, *trees->to)) {
    AppRollback rollback{app, {}, "zero"};
    std::set<int> gone(nodes.begin(), nodes.end());
    for (int node : nodes) {
      rollback.removed.push_back(graph.nodes()[static_cast<std::size_t>(node)].name);
    }
    // The leaf of the shared part: the last shared migration in graph order (a child always
    // comes after its parents, so no shared migration of the app depends on it).
    const std::vector<int> order = graph.ordered(app);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if (gone.count(*it) == 0) {
        rollback.target = graph.nodes()[static_cast<std::size_t>(*it)].name;
        break;
      }
    }
    out.apps.push_back(std::move(rollback));
  }
  return out;
}

tl::expected<std::map<std::string, std::vector<std::string>>, std::string> arrivals_between(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    const std::string& old_rev, const std::string& new_rev) {
  auto trees = open_trees(repo, prefix, old_rev, new_rev);
  if (!trees) return tl::make_unexpected(trees.error());
  std::map<std::string, std::vector<std::string>> out;
  auto alembic = alembic_changes(*trees->to, *trees->from, true);
  if (!alembic) return tl::make_unexpected(alembic.error());
  for (const AlembicRollback& r : *alembic) out[alembic_manifest_key(r.location)] = r.removed;
  const std::set<std::string> dirs = dirs_losing_migrations(*trees->to, *trees->from);
  if (dirs.empty()) return out;
  auto new_project = load_apps(*trees->to, dirs);
  if (!new_project) return tl::make_unexpected(new_project.error());
  const MigrationGraph& graph = new_project->graph;
  for (const auto& [app, nodes] : missing_from(*new_project, *trees->from)) {
    for (int node : nodes) out[app].push_back(graph.nodes()[static_cast<std::size_t>(node)].name);
  }
  return out;
}

tl::expected<Diagnostics, std::string> dangling_after_merge(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix) {
  auto head = read_commit(*repo, "HEAD");
  if (!head) return tl::make_unexpected(head.error());
  if (head->parents.size() != 2) return Diagnostics{};
  auto base = repo->merge_base(head->parents[0], head->parents[1]);
  if (!base) return tl::make_unexpected(base.error());
  if (!*base) return Diagnostics{};
  auto trees = open_trees(repo, prefix, **base, head->id);
  if (!trees) return tl::make_unexpected(trees.error());
  if (dirs_losing_migrations(*trees->from, *trees->to).empty()) return Diagnostics{};
  // Any app may name what went away: the whole project is read.
  auto project = load_project(*trees->to);
  if (!project) return tl::make_unexpected(project.error().message);
  Diagnostics out;
  for (Diagnostic& d : project->diagnostics) {
    if (d.rule == "dangling-dependency") out.push_back(std::move(d));
  }
  return out;
}

}  // namespace migline
