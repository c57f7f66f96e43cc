#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/graph/hash_index.hpp"

namespace migline {

// A dependency on an app that has no migrations in the graph (e.g. Django's `auth`).
struct ExternalDependency {
  int migration = -1;  // index into the migrations the graph was built from
  std::string app;     // `settings.NAME` for a swappable setting that is not configured
  std::string name;
};

// A migration graph, whatever the framework: nodes named (app, name), edges from a node to
// the nodes it depends on, per-app leaves and order, cycles. A framework's loader builds it
// (Django's: core/django/django_graph); nodes are never erased, replaced ones are marked
// removed and can no longer be found.
class MigrationGraph {
 public:
  struct Node {
    std::string app;
    std::string name;
    int migration = -1;         // index into the migrations; -1 for a target that does not exist
    std::vector<int> parents;   // nodes this one depends on, sorted, unique
    std::vector<int> children;  // nodes that depend on this one, sorted, unique
    bool removed = false;       // replaced (by a squash)
  };

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<ExternalDependency>& external_dependencies() const { return externals_; }

  // The node of migration `index` of the input; -1 for one that has none (a duplicate).
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
  // The cycles among live nodes (core/graph/dag's find_cycles): each component's nodes sorted.
  std::vector<std::vector<int>> cycles() const;

  // Building. Sizes the graph for `migrations` inputs, each without a node yet.
  void reserve(std::size_t migrations);
  // The id of the app labelled `label`, added if new; ids count from 0 in order of addition.
  int intern_app(std::string_view label);
  // The id of the app labelled `label`, or -1.
  int app_id(std::string_view label) const;
  // Apps interned so far.
  std::size_t app_count() const { return apps_.size(); }
  // The label of app `app`.
  const std::string& app_label(int app) const { return apps_[static_cast<std::size_t>(app)].label; }
  // The app of node `node`.
  int app_of(int node) const { return node_app_[static_cast<std::size_t>(node)]; }
  // The nodes of app `app`, in order of addition.
  const std::vector<int>& app_nodes(int app) const {
    return apps_[static_cast<std::size_t>(app)].nodes;
  }
  // The node named `name` in app `app` that is not removed (maybe a missing target), or -1.
  int lookup(int app, std::string_view name) const;
  // Adds node `name` to app `app` (not there yet) for migration `migration` of the input, or
  // -1 for a target that does not exist; returns its id.
  int add_node(int app, std::string name, int migration);
  // Adds the edge: `child` depends on `parent`. Until link_edges(), edges are only recorded.
  void add_edge(int child, int parent);
  // Links every edge recorded so far, each node's lists allocated once at their final size;
  // later edges are linked as added.
  void link_edges();
  // Marks `node` removed: it is no longer found, listed, ordered or part of a cycle.
  void remove_node(int node);
  // Drops removed nodes and duplicates from every node's parents and children, and sorts them.
  void finish_edges();
  // Records a dependency on an app outside the graph.
  void add_external(ExternalDependency external) { externals_.push_back(std::move(external)); }

 private:
  // An app label that nodes name, interned: lookups compare ids, not strings.
  struct App {
    std::string label;
    std::vector<int> nodes;
  };

  std::vector<Node> nodes_;
  std::vector<int> node_app_;  // node -> index into apps_
  std::vector<App> apps_;
  HashIndex app_index_;                             // label -> index into apps_
  HashIndex node_index_;                            // (app, name) -> node not removed
  std::vector<std::pair<int, int>> pending_edges_;  // (child, parent)
  bool edges_pending_ = true;
  std::vector<int> node_of_migration_;
  std::vector<ExternalDependency> externals_;
};

}  // namespace migline
