#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/django/django_migration.hpp"
#include "core/graph/hash_index.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// A dependency on an app that has no migrations package in the project (e.g. `auth`).
struct ExternalDependency {
  int migration = -1;  // index into the migrations the graph was built from
  std::string app;     // `settings.NAME` for a swappable setting that is not configured
  std::string name;
};

// The migration graph exactly as Django's `MigrationLoader(None)` builds it: no database, so
// every squash replaces its targets. Nodes are never erased; replaced ones are marked removed.
class MigrationGraph {
 public:
  struct Node {
    std::string app;
    std::string name;
    int migration = -1;         // index into the migrations; -1 for a target that does not exist
    std::vector<int> parents;   // nodes this one depends on, sorted, unique
    std::vector<int> children;  // nodes that depend on this one, sorted, unique
    bool removed = false;       // replaced by a squash
  };

  // (app, name) of migration modules that exist but could not be read.
  using Unreadable = std::set<std::pair<std::string, std::string>, std::less<>>;

  // Builds the graph of `migrations` (their `app` and `name` filled in). `apps` are the labels
  // of every migrations package, including empty ones; references to other apps are external.
  // Dangling references, cycles and unusable squashes are appended to `diagnostics`, except
  // references to `unreadable` migrations (or to an app that has one): their cause is
  // reported already.
  static MigrationGraph build(const std::vector<DjangoMigration>& migrations,
                              const std::set<std::string>& apps, Diagnostics& diagnostics,
                              const Unreadable& unreadable = {});

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<ExternalDependency>& external_dependencies() const { return externals_; }

  // The node of migration `index` of the input.
  int node_of(int migration) const {
    return node_of_migration_[static_cast<std::size_t>(migration)];
  }
  // The live node for `app`.`name`, if any.
  std::optional<int> find(std::string_view app, std::string_view name) const;
  // Labels of apps with at least one live migration, sorted.
  std::vector<std::string> apps() const;
  // Live migrations of `app` that no other migration of `app` depends on, sorted by name.
  std::vector<int> leaves(std::string_view app) const;
  // Live migrations of `app`, parents before children, ties by name.
  std::vector<int> ordered(std::string_view app) const;

 private:
  struct Origin {
    int migration;
    bool run_before;
    std::size_t ref;
  };
  // An app label that nodes or references name, interned: lookups compare ids, not strings.
  struct App {
    std::string label;
    bool migrated = false;      // in `apps`: references to it are not external
    bool unreadable = false;    // one of its migrations could not be read
    std::vector<int> nodes;     // its nodes: the real ones first, by name; then missing targets
    std::size_t real = 0;       // how many of `nodes` are real migrations
    std::size_t first_at = 0;   // real nodes before it have a parent in the app
    std::size_t latest_at = 0;  // real nodes before it have a child in the app
    std::vector<int> missing_roots;   // heap by name of missing targets, maybe with parents
    std::vector<int> missing_leaves;  // same, maybe with children
  };

  static std::vector<int> by_app_and_name(const std::vector<DjangoMigration>& migrations,
                                          const std::vector<int>& app_of,
                                          const std::vector<App>& apps);
  int app_id(std::string_view label) const;
  int intern_app(std::string_view label);
  int lookup(int app, std::string_view name) const;
  int add_node(int app, std::string name, int migration);
  int node_or_dummy(int app, const MigrationRef& ref, Origin origin);
  // Until link_pending_edges(), edges wait in pending_edges_.
  void add_edge(int child, int parent);
  void link_pending_edges();
  std::optional<int> resolve_special(const MigrationRef& ref, int current_app, Origin origin,
                                     const std::vector<DjangoMigration>& migrations,
                                     Diagnostics& diagnostics);
  std::optional<int> first_or_latest(int app, bool latest);
  void replace(const DjangoMigration& squash, int squash_node);
  void report_dangling(const std::vector<DjangoMigration>& migrations, const Unreadable& unreadable,
                       Diagnostics& diagnostics);
  void report_cycles(const std::vector<DjangoMigration>& migrations, Diagnostics& diagnostics);
  const MigrationRef& ref_of(const std::vector<DjangoMigration>& migrations, const Origin& o) const;

  std::vector<Node> nodes_;
  std::vector<int> node_app_;  // node -> index into apps_
  std::vector<App> apps_;
  HashIndex app_index_;   // label -> index into apps_
  HashIndex node_index_;  // (app, name) -> live node
  // While building: whether a node has a parent / a child in its own app.
  std::vector<char> app_parent_, app_child_;
  std::vector<std::pair<int, int>> pending_edges_;  // (child, parent)
  bool edges_pending_ = true;
  std::unordered_map<int, std::vector<Origin>> dummy_origins_;
  std::vector<int> node_of_migration_;
  std::vector<ExternalDependency> externals_;
};

}  // namespace migline
