#include "project/switch_check.hpp"

#include <algorithm>
#include <set>

#include "core/django/migration_module.hpp"
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
  SubsetSource(const FileSource& base, const std::set<std::string>& dirs) : base_(base) {
    for (const std::string& path : base.paths()) {
      const std::string dir(path_dirname(path));
      const bool in_migrations = path_basename(dir) == "migrations";  // a module or __init__.py
      const bool in_app =
          dirs.count(dir) != 0 || (in_migrations && dirs.count(app_dir_of(path)) != 0);
      if (in_app || path.find('/') == std::string::npos) paths_.push_back(path);
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
  auto project = load_project(SubsetSource(source, dirs));
  if (!project) return tl::make_unexpected(project.error().message);
  return std::move(*project);
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

tl::expected<std::vector<AppRollback>, std::string> rollbacks_between(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    const std::string& old_rev, const std::string& new_rev) {
  auto trees = open_trees(repo, prefix, old_rev, new_rev);
  if (!trees) return tl::make_unexpected(trees.error());
  std::vector<AppRollback> out;
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
    out.push_back(std::move(rollback));
  }
  return out;
}

tl::expected<std::map<std::string, std::vector<std::string>>, std::string> arrivals_between(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    const std::string& old_rev, const std::string& new_rev) {
  auto trees = open_trees(repo, prefix, old_rev, new_rev);
  if (!trees) return tl::make_unexpected(trees.error());
  std::map<std::string, std::vector<std::string>> out;
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
