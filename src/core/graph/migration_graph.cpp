#include "core/graph/migration_graph.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <queue>

#include <fmt/format.h>

#include "core/graph/dag.hpp"
#include "core/plan/migration_name.hpp"

namespace migline {
namespace {

std::size_t label_hash(std::string_view label) {
  return std::hash<std::string_view>{}(label);
}

std::size_t node_hash(int app, std::string_view name) {
  return std::hash<std::string_view>{}(name) ^
         (static_cast<std::size_t>(app) * 0x9e3779b97f4a7c15u);
}

bool is_special(std::string_view name) {
  return name == "__first__" || name == "__latest__";
}

void sort_unique(std::vector<int>& v, const std::vector<MigrationGraph::Node>& nodes) {
  v.erase(std::remove_if(v.begin(), v.end(),
                         [&](int n) { return nodes[static_cast<std::size_t>(n)].removed; }),
          v.end());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

// Indices of `migrations` by (app, name). They arrive package by package, each in file-name
// order: a counting sort by app keeps each app's migrations in that order, and a check per
// app (a sort only where it fails) is left, instead of n log n string comparisons.
std::vector<int> MigrationGraph::by_app_and_name(const std::vector<DjangoMigration>& migrations,
                                                 const std::vector<int>& app_of,
                                                 const std::vector<App>& apps) {
  std::vector<int> by_label(apps.size());
  std::iota(by_label.begin(), by_label.end(), 0);
  std::sort(by_label.begin(), by_label.end(), [&](int a, int b) {
    return apps[static_cast<std::size_t>(a)].label < apps[static_cast<std::size_t>(b)].label;
  });
  std::vector<std::size_t> start(apps.size() + 1, 0);  // per rank, then where its run begins
  std::vector<std::size_t> rank(apps.size());
  for (std::size_t r = 0; r < by_label.size(); ++r) rank[static_cast<std::size_t>(by_label[r])] = r;
  for (int app : app_of) ++start[rank[static_cast<std::size_t>(app)] + 1];
  for (std::size_t r = 0; r < apps.size(); ++r) start[r + 1] += start[r];
  std::vector<int> order(migrations.size());
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    order[next[rank[static_cast<std::size_t>(app_of[i])]]++] = static_cast<int>(i);
  }
  auto by_name = [&](int a, int b) {
    return migrations[static_cast<std::size_t>(a)].name <
           migrations[static_cast<std::size_t>(b)].name;
  };
  for (std::size_t r = 0; r < apps.size(); ++r) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(start[r]);
    const auto last = order.begin() + static_cast<std::ptrdiff_t>(start[r + 1]);
    if (!std::is_sorted(first, last, by_name)) std::sort(first, last, by_name);
  }
  return order;
}

int MigrationGraph::app_id(std::string_view label) const {
  return app_index_.find(label_hash(label), [&](int id) {
    return apps_[static_cast<std::size_t>(id)].label == label;
  });
}

int MigrationGraph::intern_app(std::string_view label) {
  int id = app_id(label);
  if (id >= 0) return id;
  id = static_cast<int>(apps_.size());
  apps_.push_back(App{});
  apps_.back().label = std::string(label);
  app_index_.insert(label_hash(label), id);
  return id;
}

int MigrationGraph::lookup(int app, std::string_view name) const {
  return node_index_.find(node_hash(app, name), [&](int id) {
    return node_app_[static_cast<std::size_t>(id)] == app &&
           nodes_[static_cast<std::size_t>(id)].name == name;
  });
}

int MigrationGraph::add_node(int app, std::string name, int migration) {
  const int id = static_cast<int>(nodes_.size());
  App& a = apps_[static_cast<std::size_t>(app)];
  node_index_.insert(node_hash(app, name), id);
  a.nodes.push_back(id);
  node_app_.push_back(app);
  app_parent_.push_back(0);
  app_child_.push_back(0);
  nodes_.push_back(Node{a.label, std::move(name), migration, {}, {}, false});
  if (migration >= 0) {
    a.real = a.nodes.size();
  } else {
    // A missing target has no edges yet: a root and a leaf of its app until it gains some.
    auto by_name = [&](int x, int y) {
      return nodes_[static_cast<std::size_t>(x)].name > nodes_[static_cast<std::size_t>(y)].name;
    };
    a.missing_roots.push_back(id);
    std::push_heap(a.missing_roots.begin(), a.missing_roots.end(), by_name);
    a.missing_leaves.push_back(id);
    std::push_heap(a.missing_leaves.begin(), a.missing_leaves.end(), by_name);
  }
  return id;
}

int MigrationGraph::node_or_dummy(int app, const MigrationRef& ref, Origin origin) {
  int id = lookup(app, ref.name);
  if (id < 0) id = add_node(app, ref.name, -1);
  if (nodes_[static_cast<std::size_t>(id)].migration < 0) dummy_origins_[id].push_back(origin);
  return id;
}

void MigrationGraph::add_edge(int child, int parent) {
  const auto c = static_cast<std::size_t>(child);
  const auto p = static_cast<std::size_t>(parent);
  if (!edges_pending_) {
    nodes_[c].parents.push_back(parent);
    nodes_[p].children.push_back(child);
    return;
  }
  pending_edges_.emplace_back(child, parent);
  if (node_app_[c] == node_app_[p]) {
    app_parent_[c] = 1;
    app_child_[p] = 1;
  }
}

// The edges of the first phases, each node's lists allocated once at their final size:
// growing them one edge at a time was a tenth of building a graph of 100,000 migrations
// with 15 dependencies each.
void MigrationGraph::link_pending_edges() {
  std::vector<std::uint32_t> parents(nodes_.size(), 0), children(nodes_.size(), 0);
  for (const auto& [child, parent] : pending_edges_) {
    ++parents[static_cast<std::size_t>(child)];
    ++children[static_cast<std::size_t>(parent)];
  }
  for (std::size_t n = 0; n < nodes_.size(); ++n) {
    nodes_[n].parents.reserve(parents[n]);
    nodes_[n].children.reserve(children[n]);
  }
  for (const auto& [child, parent] : pending_edges_) {
    nodes_[static_cast<std::size_t>(child)].parents.push_back(parent);
    nodes_[static_cast<std::size_t>(parent)].children.push_back(child);
  }
  pending_edges_ = {};
  edges_pending_ = false;
}

std::optional<int> MigrationGraph::find(std::string_view app, std::string_view name) const {
  const int a = app_id(app);
  const int id = a < 0 ? -1 : lookup(a, name);
  if (id < 0 || nodes_[static_cast<std::size_t>(id)].removed) return std::nullopt;
  return id;
}

// Django's root_nodes(app)[0] / leaf_nodes(app)[0]: over every node of the app (missing
// targets included, as Django's dummy nodes are), edges within the app only, first by name.
// Edges are only added while this is asked, so a node that stops being a root or a leaf never
// becomes one again: the cursors and heaps only move forward, amortized O(1) a call.
std::optional<int> MigrationGraph::first_or_latest(int app, bool latest) {
  App& a = apps_[static_cast<std::size_t>(app)];
  const std::vector<char>& inside = latest ? app_child_ : app_parent_;
  std::size_t& at = latest ? a.latest_at : a.first_at;
  while (at < a.real && inside[static_cast<std::size_t>(a.nodes[at])]) ++at;
  std::vector<int>& missing = latest ? a.missing_leaves : a.missing_roots;
  auto by_name = [&](int x, int y) {
    return nodes_[static_cast<std::size_t>(x)].name > nodes_[static_cast<std::size_t>(y)].name;
  };
  while (!missing.empty() && inside[static_cast<std::size_t>(missing.front())]) {
    std::pop_heap(missing.begin(), missing.end(), by_name);
    missing.pop_back();
  }
  std::optional<int> best;
  if (at < a.real) best = a.nodes[at];
  if (!missing.empty() && (!best || by_name(*best, missing.front()))) best = missing.front();
  return best;
}

std::optional<int> MigrationGraph::resolve_special(const MigrationRef& ref, int current_app,
                                                   Origin origin,
                                                   const std::vector<DjangoMigration>& migrations,
                                                   Diagnostics& diagnostics) {
  const int app = ref.unknown_app() ? -1 : app_id(ref.app);
  if (app < 0 || !apps_[static_cast<std::size_t>(app)].migrated) {
    externals_.push_back(ExternalDependency{
        origin.migration, ref.unknown_app() ? ref.setting_expression() : ref.app, ref.name});
    return std::nullopt;
  }
  if (!is_special(ref.name) || lookup(app, ref.name) >= 0) return node_or_dummy(app, ref, origin);
  if (app == current_app) return std::nullopt;  // Django ignores these (#22325)
  std::optional<int> target = first_or_latest(app, ref.name == "__latest__");
  if (!target && !apps_[static_cast<std::size_t>(app)].unreadable) {
    const DjangoMigration& m = migrations[static_cast<std::size_t>(origin.migration)];
    Diagnostic d;
    d.path = m.path;
    d.line = ref.span.line;
    d.column = ref.span.column;
    d.message = fmt::format("depends on app '{}', which has no migrations", ref.app);
    d.hint = fmt::format("run `manage.py makemigrations {}` or drop the dependency", ref.app);
    d.rule = "dangling-dependency";
    diagnostics.push_back(std::move(d));
  }
  return target;
}

void MigrationGraph::replace(const DjangoMigration& squash, int squash_node) {
  std::vector<int> replaced;
  for (const MigrationRef& ref : squash.replaces) {
    const int app = app_id(ref.app);
    const int id = app < 0 ? -1 : lookup(app, ref.name);
    if (id >= 0 && id != squash_node && !nodes_[static_cast<std::size_t>(id)].removed) {
      replaced.push_back(id);
    }
  }
  std::sort(replaced.begin(), replaced.end());
  replaced.erase(std::unique(replaced.begin(), replaced.end()), replaced.end());
  auto is_replaced = [&](int id) {
    return std::binary_search(replaced.begin(), replaced.end(), id);
  };
  for (int r : replaced) nodes_[static_cast<std::size_t>(r)].removed = true;
  for (int r : replaced) {
    const Node& node = nodes_[static_cast<std::size_t>(r)];
    node_index_.erase(node_hash(node_app_[static_cast<std::size_t>(r)], node.name), r);
    // Copies: add_edge may grow the vectors being read.
    const std::vector<int> children = node.children;
    const std::vector<int> parents = node.parents;
    for (int child : children) {
      if (!is_replaced(child) && !nodes_[static_cast<std::size_t>(child)].removed) {
        add_edge(child, squash_node);
      }
    }
    for (int parent : parents) {
      if (!is_replaced(parent) && !nodes_[static_cast<std::size_t>(parent)].removed) {
        add_edge(squash_node, parent);
      }
    }
  }
}

const MigrationRef& MigrationGraph::ref_of(const std::vector<DjangoMigration>& migrations,
                                           const Origin& o) const {
  const DjangoMigration& m = migrations[static_cast<std::size_t>(o.migration)];
  return o.run_before ? m.run_before[o.ref] : m.dependencies[o.ref];
}

void MigrationGraph::report_dangling(const std::vector<DjangoMigration>& migrations,
                                     const Unreadable& unreadable, Diagnostics& diagnostics) {
  std::unordered_map<int, std::vector<std::string>> known_of;  // per app, once
  for (const auto& [id, origins] : dummy_origins_) {
    const Node& node = nodes_[static_cast<std::size_t>(id)];
    if (node.removed) continue;  // a squash stands in for it
    if (unreadable.count(std::make_pair(node.app, node.name)) != 0) continue;
    const int app = node_app_[static_cast<std::size_t>(id)];
    auto [slot, fresh] = known_of.try_emplace(app);
    std::vector<std::string>& known = slot->second;
    if (fresh) {
      for (int other : apps_[static_cast<std::size_t>(app)].nodes) {
        const Node& n = nodes_[static_cast<std::size_t>(other)];
        if (!n.removed && n.migration >= 0) known.push_back(n.name);
      }
      std::sort(known.begin(), known.end());
    }
    for (const Origin& o : origins) {
      const MigrationRef& ref = ref_of(migrations, o);
      Diagnostic d;
      d.path = migrations[static_cast<std::size_t>(o.migration)].path;
      d.line = ref.span.line;
      d.column = ref.span.column;
      d.message =
          fmt::format("{} {}.{}, which does not exist",
                      o.run_before ? "run_before names" : "depends on", node.app, node.name);
      d.rule = "dangling-dependency";
      if (node.name == "__latest__") {
        d.hint = "a migration cannot depend on the latest migration of its own app";
      } else if (auto renamed = renamed_counterpart(node.name, known)) {
        d.hint = fmt::format(
            "it was probably renamed to {} (e.g. by a rebase): `migline resolve` re-points "
            "this reference",
            *renamed);
      } else if (!known.empty()) {
        d.hint = fmt::format("the migrations of '{}' end at {}", node.app, known.back());
      }
      diagnostics.push_back(std::move(d));
    }
  }
}

void MigrationGraph::report_cycles(const std::vector<DjangoMigration>& migrations,
                                   Diagnostics& diagnostics) {
  auto at = [](auto& v, int i) -> auto& {
    return v[static_cast<std::size_t>(i)];
  };
  // The framework-neutral part (core/graph/dag): which nodes form cycles.
  const std::vector<std::vector<int>> cycles = find_cycles(
      nodes_.size(), [&](int v) -> const std::vector<int>& { return at(nodes_, v).parents; },
      [&](int v) { return at(nodes_, v).removed; });
  for (const std::vector<int>& component : cycles) {
    std::vector<std::string> names;
    for (int c : component) names.push_back(at(nodes_, c).app + "." + at(nodes_, c).name);
    std::sort(names.begin(), names.end());
    auto first = std::min_element(component.begin(), component.end(), [&](int a, int b) {
      return at(nodes_, a).app + "." + at(nodes_, a).name <
             at(nodes_, b).app + "." + at(nodes_, b).name;
    });
    Diagnostic d;
    const Node& culprit = at(nodes_, *first);
    if (culprit.migration >= 0) {
      const DjangoMigration& m = migrations[static_cast<std::size_t>(culprit.migration)];
      d.path = m.path;
      d.line = m.class_span.line;
      d.column = m.class_span.column;
      for (const MigrationRef& ref : m.dependencies) {
        if (std::binary_search(names.begin(), names.end(), ref.app + "." + ref.name)) {
          d.line = ref.span.line;
          d.column = ref.span.column;
          break;
        }
      }
    }
    d.message = fmt::format("circular dependency between {}", fmt::join(names, ", "));
    d.hint = "one of these migrations must stop depending on the others";
    d.rule = "cycle";
    diagnostics.push_back(std::move(d));
  }
}

MigrationGraph MigrationGraph::build(const std::vector<DjangoMigration>& migrations,
                                     const std::set<std::string>& apps, Diagnostics& diagnostics,
                                     const Unreadable& unreadable) {
  MigrationGraph g;
  g.nodes_.reserve(migrations.size());
  g.node_app_.reserve(migrations.size());
  g.node_index_.reserve(migrations.size());
  g.node_of_migration_.assign(migrations.size(), -1);
  for (const std::string& app : apps)
    g.apps_[static_cast<std::size_t>(g.intern_app(app))].migrated = true;
  for (const auto& [app, name] : unreadable) {
    if (const int id = g.app_id(app); id >= 0)
      g.apps_[static_cast<std::size_t>(id)].unreadable = true;
  }
  std::vector<int> app_of(migrations.size(), -1);
  for (std::size_t i = 0; i < migrations.size(); ++i) app_of[i] = g.intern_app(migrations[i].app);
  const std::vector<int> order = by_app_and_name(migrations, app_of, g.apps_);
  for (int i : order) {
    const DjangoMigration& m = migrations[static_cast<std::size_t>(i)];
    const int app = app_of[static_cast<std::size_t>(i)];
    if (g.lookup(app, m.name) >= 0) {
      Diagnostic d;
      d.path = m.path;
      d.message = fmt::format("migration {}.{} is defined twice", m.app, m.name);
      d.rule = "duplicate-migration";
      diagnostics.push_back(std::move(d));
      continue;
    }
    g.node_of_migration_[static_cast<std::size_t>(i)] = g.add_node(app, m.name, i);
  }
  // Calls fn(index, migration, app, node) for every migration with a node, in sorted order.
  auto each = [&](auto&& fn) {
    for (int i : order) {
      const int self = g.node_of_migration_[static_cast<std::size_t>(i)];
      if (self >= 0) {
        fn(i, migrations[static_cast<std::size_t>(i)], app_of[static_cast<std::size_t>(i)], self);
      }
    }
  };
  // Same phases, same order as MigrationLoader.build_graph(): internal dependencies first, so
  // that __first__ and __latest__ see every migration of their app.
  each([&](int i, const DjangoMigration& m, int app, int self) {
    for (std::size_t r = 0; r < m.dependencies.size(); ++r) {
      const MigrationRef& dep = m.dependencies[r];
      if (dep.app == m.app && dep.name != "__first__") {
        g.add_edge(self, g.node_or_dummy(app, dep, Origin{i, false, r}));
      }
    }
  });
  each([&](int i, const DjangoMigration& m, int app, int self) {
    for (std::size_t r = 0; r < m.dependencies.size(); ++r) {
      const MigrationRef& dep = m.dependencies[r];
      if (dep.app == m.app) continue;
      auto parent = g.resolve_special(dep, app, Origin{i, false, r}, migrations, diagnostics);
      if (parent) g.add_edge(self, *parent);
    }
    for (std::size_t r = 0; r < m.run_before.size(); ++r) {
      auto child =
          g.resolve_special(m.run_before[r], app, Origin{i, true, r}, migrations, diagnostics);
      if (child) g.add_edge(*child, self);
    }
  });
  // Only __first__ and __latest__ needed these; from here on edges are linked as added.
  g.app_parent_ = {};
  g.app_child_ = {};
  g.link_pending_edges();
  for (App& a : g.apps_) a.missing_roots = a.missing_leaves = {};
  each([&](int, const DjangoMigration& m, int, int self) {
    if (m.replaces.empty()) return;
    if (g.nodes_[static_cast<std::size_t>(self)].removed) {
      Diagnostic d;
      d.path = m.path;
      d.line = m.class_span.line;
      d.column = m.class_span.column;
      d.message = fmt::format("squash {}.{} is itself replaced by another squash", m.app, m.name);
      d.hint = "delete the older squash once every database has applied the newer one";
      d.rule = "squash-replaced";
      diagnostics.push_back(std::move(d));
      return;
    }
    g.replace(m, self);
  });
  for (Node& node : g.nodes_) {
    sort_unique(node.parents, g.nodes_);
    sort_unique(node.children, g.nodes_);
  }
  g.report_dangling(migrations, unreadable, diagnostics);
  g.report_cycles(migrations, diagnostics);
  return g;
}

std::vector<std::string> MigrationGraph::apps() const {
  std::vector<std::string> out;
  for (const App& a : apps_) {
    if (std::any_of(a.nodes.begin(), a.nodes.end(), [&](int id) {
          const Node& n = nodes_[static_cast<std::size_t>(id)];
          return !n.removed && n.migration >= 0;
        })) {
      out.push_back(a.label);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> MigrationGraph::leaves(std::string_view app) const {
  std::vector<int> out;
  const int a = app_id(app);
  if (a < 0) return out;
  for (int id : apps_[static_cast<std::size_t>(a)].nodes) {
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    if (n.removed || n.migration < 0) continue;
    bool has_child = std::any_of(n.children.begin(), n.children.end(), [&](int c) {
      return node_app_[static_cast<std::size_t>(c)] == a;
    });
    if (!has_child) out.push_back(id);
  }
  std::sort(out.begin(), out.end(), [&](int x, int y) {
    return nodes_[static_cast<std::size_t>(x)].name < nodes_[static_cast<std::size_t>(y)].name;
  });
  return out;
}

std::vector<int> MigrationGraph::ordered(std::string_view app) const {
  std::vector<int> out;
  const int self = app_id(app);
  if (self < 0) return out;
  auto by_name = [&](int a, int b) {
    return nodes_[static_cast<std::size_t>(a)].name > nodes_[static_cast<std::size_t>(b)].name;
  };
  std::priority_queue<int, std::vector<int>, decltype(by_name)> ready(by_name);
  std::unordered_map<int, int> waiting;
  for (int id : apps_[static_cast<std::size_t>(self)].nodes) {
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    if (n.removed || n.migration < 0) continue;
    int count = 0;
    for (int p : n.parents) count += node_app_[static_cast<std::size_t>(p)] == self;
    waiting[id] = count;
    if (count == 0) ready.push(id);
  }
  while (!ready.empty()) {
    int id = ready.top();
    ready.pop();
    out.push_back(id);
    for (int c : nodes_[static_cast<std::size_t>(id)].children) {
      auto w = waiting.find(c);
      if (w != waiting.end() && --w->second == 0) ready.push(c);
    }
  }
  if (out.size() < waiting.size()) {  // a cycle: list the rest by name
    std::vector<int> rest;
    for (const auto& [id, count] : waiting) {
      if (count > 0) rest.push_back(id);
    }
    std::sort(rest.begin(), rest.end(), [&](int a, int b) { return by_name(b, a); });
    out.insert(out.end(), rest.begin(), rest.end());
  }
  return out;
}

}  // namespace migline
