#include "project/switch_check.hpp"

#include <algorithm>
#include <set>

#include "project/file_source.hpp"
#include "project/project_loader.hpp"

namespace migline {
namespace {

using MigrationKey = std::pair<std::string, std::string>;  // app, name

bool is_migration_path(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view file = std::string_view(path).substr(slash + 1);
  return path.find("migrations/") != std::string::npos && file.size() > 3 &&
         file.substr(file.size() - 3) == ".py" && file[0] != '_' && file[0] != '~';
}

// True when some migration path of `from` is missing from `to`: only then can a migration
// have gone away (a label can only change with a path that holds a migration).
bool lost_a_migration_path(const FileSource& from, const FileSource& to) {
  const std::vector<std::string>& kept = to.paths();
  for (const std::string& path : from.paths()) {
    if (is_migration_path(path) && !std::binary_search(kept.begin(), kept.end(), path)) {
      return true;
    }
  }
  return false;
}

std::set<MigrationKey> keys_of(const Project& project) {
  std::set<MigrationKey> out;
  for (const DjangoMigration& m : project.migrations) out.emplace(m.app, m.name);
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

// Migrations of `project` whose key `other` lacks, by app, in graph order.
std::map<std::string, std::vector<int>> missing_from(const Project& project,
                                                     const std::set<MigrationKey>& other) {
  std::map<std::string, std::vector<int>> out;
  const MigrationGraph& graph = project.graph;
  for (const std::string& app : graph.apps()) {
    for (int node : graph.ordered(app)) {
      const MigrationGraph::Node& n = graph.nodes()[static_cast<std::size_t>(node)];
      if (other.count({n.app, n.name}) == 0) out[app].push_back(node);
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
  if (!lost_a_migration_path(*trees->from, *trees->to)) return out;
  auto old_project = load_project(*trees->from);
  if (!old_project) return tl::make_unexpected(old_project.error().message);
  auto new_project = load_project(*trees->to);
  if (!new_project) return tl::make_unexpected(new_project.error().message);
  const std::set<MigrationKey> kept = keys_of(*new_project);
  const MigrationGraph& graph = old_project->graph;
  for (const auto& [app, nodes] : missing_from(*old_project, kept)) {
    AppRollback rollback{app, {}, "zero"};
    for (int node : nodes)
      rollback.removed.push_back(graph.nodes()[static_cast<std::size_t>(node)].name);
    // The leaf of the shared part: the last shared migration, in graph order, that no shared
    // migration of the app depends on.
    const std::vector<int> order = graph.ordered(app);
    const auto shared = [&](int node) {
      const MigrationGraph::Node& n = graph.nodes()[static_cast<std::size_t>(node)];
      return kept.count({n.app, n.name}) != 0;
    };
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      if (!shared(*it)) continue;
      const MigrationGraph::Node& n = graph.nodes()[static_cast<std::size_t>(*it)];
      const bool has_shared_child = std::any_of(n.children.begin(), n.children.end(), [&](int c) {
        return graph.nodes()[static_cast<std::size_t>(c)].app == app && shared(c);
      });
      if (!has_shared_child) {
        rollback.target = n.name;
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
  if (!lost_a_migration_path(*trees->to, *trees->from)) return out;
  auto old_project = load_project(*trees->from);
  if (!old_project) return tl::make_unexpected(old_project.error().message);
  auto new_project = load_project(*trees->to);
  if (!new_project) return tl::make_unexpected(new_project.error().message);
  const MigrationGraph& graph = new_project->graph;
  for (const auto& [app, nodes] : missing_from(*new_project, keys_of(*old_project))) {
    for (int node : nodes) out[app].push_back(graph.nodes()[static_cast<std::size_t>(node)].name);
  }
  return out;
}

}  // namespace migline
