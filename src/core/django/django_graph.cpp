#include "core/django/django_graph.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "core/plan/migration_name.hpp"

namespace migline {
namespace {

bool is_special(std::string_view name) {
  return name == "__first__" || name == "__latest__";
}

// Where a reference to a missing target was written: migration, list, position.
struct Origin {
  int migration;
  bool run_before;
  std::size_t ref;
};

// What Django's loader knows of an app beyond its nodes, while the graph is built.
struct AppState {
  bool migrated = false;            // in `apps`: references to it are not external
  bool unreadable = false;          // one of its migrations could not be read
  std::size_t real = 0;             // how many of its nodes (the real ones come first) are real
  std::size_t first_at = 0;         // real nodes before it have a parent in the app
  std::size_t latest_at = 0;        // real nodes before it have a child in the app
  std::vector<int> missing_roots;   // heap by name of missing targets, maybe with parents
  std::vector<int> missing_leaves;  // same, maybe with children
};

// MigrationLoader.build_graph() over a framework-neutral MigrationGraph.
class DjangoGraphBuilder {
 public:
  DjangoGraphBuilder(const std::vector<DjangoMigration>& migrations, Diagnostics& diagnostics)
      : migrations_(migrations), diagnostics_(diagnostics) {}

  MigrationGraph build(const std::set<std::string>& apps, const UnreadableMigrations& unreadable);

 private:
  const DjangoMigration& migration(int i) const { return migrations_[static_cast<std::size_t>(i)]; }
  const MigrationGraph::Node& node(int id) const {
    return g_.nodes()[static_cast<std::size_t>(id)];
  }
  AppState& state(int app) { return apps_[static_cast<std::size_t>(app)]; }
  int intern_app(std::string_view label);
  std::vector<int> by_app_and_name(const std::vector<int>& app_of) const;
  int add_node(int app, std::string name, int migration);
  void add_edge(int child, int parent);
  int node_or_dummy(int app, const MigrationRef& ref, Origin origin);
  std::optional<int> resolve_special(const MigrationRef& ref, int current_app, Origin origin);
  std::optional<int> first_or_latest(int app, bool latest);
  void replace(const DjangoMigration& squash, int squash_node);
  void report_dangling(const UnreadableMigrations& unreadable);
  void report_cycles();
  const MigrationRef& ref_of(const Origin& o) const;

  const std::vector<DjangoMigration>& migrations_;
  Diagnostics& diagnostics_;
  MigrationGraph g_;
  std::vector<AppState> apps_;  // per app id of g_
  // Until the edges are linked: whether a node has a parent / a child in its own app.
  std::vector<char> app_parent_, app_child_;
  bool tracking_ = true;
  std::unordered_map<int, std::vector<Origin>> dummy_origins_;
};

int DjangoGraphBuilder::intern_app(std::string_view label) {
  const int id = g_.intern_app(label);
  if (g_.app_count() > apps_.size()) apps_.resize(g_.app_count());
  return id;
}

// Indices of the migrations by (app, name). They arrive package by package, each in file-name
// order: a counting sort by app keeps each app's migrations in that order, and a check per
// app (a sort only where it fails) is left, instead of n log n string comparisons.
std::vector<int> DjangoGraphBuilder::by_app_and_name(const std::vector<int>& app_of) const {
  const std::size_t app_count = g_.app_count();
  std::vector<int> by_label(app_count);
  std::iota(by_label.begin(), by_label.end(), 0);
  std::sort(by_label.begin(), by_label.end(),
            [&](int a, int b) { return g_.app_label(a) < g_.app_label(b); });
  std::vector<std::size_t> start(app_count + 1, 0);  // per rank, then where its run begins
  std::vector<std::size_t> rank(app_count);
  for (std::size_t r = 0; r < by_label.size(); ++r) rank[static_cast<std::size_t>(by_label[r])] = r;
  for (int app : app_of) ++start[rank[static_cast<std::size_t>(app)] + 1];
  for (std::size_t r = 0; r < app_count; ++r) start[r + 1] += start[r];
  std::vector<int> order(migrations_.size());
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < migrations_.size(); ++i) {
    order[next[rank[static_cast<std::size_t>(app_of[i])]]++] = static_cast<int>(i);
  }
  auto by_name = [&](int a, int b) { return migration(a).name < migration(b).name; };
  for (std::size_t r = 0; r < app_count; ++r) {
    const auto first = order.begin() + static_cast<std::ptrdiff_t>(start[r]);
    const auto last = order.begin() + static_cast<std::ptrdiff_t>(start[r + 1]);
    if (!std::is_sorted(first, last, by_name)) std::sort(first, last, by_name);
  }
  return order;
}

int DjangoGraphBuilder::add_node(int app, std::string name, int migration) {
  const int id = g_.add_node(app, std::move(name), migration);
  app_parent_.push_back(0);
  app_child_.push_back(0);
  AppState& a = state(app);
  if (migration >= 0) {
    a.real = g_.app_nodes(app).size();
  } else {
    // A missing target has no edges yet: a root and a leaf of its app until it gains some.
    auto by_name = [&](int x, int y) { return node(x).name > node(y).name; };
    a.missing_roots.push_back(id);
    std::push_heap(a.missing_roots.begin(), a.missing_roots.end(), by_name);
    a.missing_leaves.push_back(id);
    std::push_heap(a.missing_leaves.begin(), a.missing_leaves.end(), by_name);
  }
  return id;
}

void DjangoGraphBuilder::add_edge(int child, int parent) {
  if (tracking_ && g_.app_of(child) == g_.app_of(parent)) {
    app_parent_[static_cast<std::size_t>(child)] = 1;
    app_child_[static_cast<std::size_t>(parent)] = 1;
  }
  g_.add_edge(child, parent);
}

int DjangoGraphBuilder::node_or_dummy(int app, const MigrationRef& ref, Origin origin) {
  int id = g_.lookup(app, ref.name);
  if (id < 0) id = add_node(app, ref.name, -1);
  if (node(id).migration < 0) dummy_origins_[id].push_back(origin);
  return id;
}

// Django's root_nodes(app)[0] / leaf_nodes(app)[0]: over every node of the app (missing
// targets included, as Django's dummy nodes are), edges within the app only, first by name.
// Edges are only added while this is asked, so a node that stops being a root or a leaf never
// becomes one again: the cursors and heaps only move forward, amortized O(1) a call.
std::optional<int> DjangoGraphBuilder::first_or_latest(int app, bool latest) {
  AppState& a = state(app);
  const std::vector<int>& nodes = g_.app_nodes(app);
  const std::vector<char>& inside = latest ? app_child_ : app_parent_;
  std::size_t& at = latest ? a.latest_at : a.first_at;
  while (at < a.real && inside[static_cast<std::size_t>(nodes[at])]) ++at;
  std::vector<int>& missing = latest ? a.missing_leaves : a.missing_roots;
  auto by_name = [&](int x, int y) { return node(x).name > node(y).name; };
  while (!missing.empty() && inside[static_cast<std::size_t>(missing.front())]) {
    std::pop_heap(missing.begin(), missing.end(), by_name);
    missing.pop_back();
  }
  std::optional<int> best;
  if (at < a.real) best = nodes[at];
  if (!missing.empty() && (!best || by_name(*best, missing.front()))) best = missing.front();
  return best;
}

std::optional<int> DjangoGraphBuilder::resolve_special(const MigrationRef& ref, int current_app,
                                                       Origin origin) {
  const int app = ref.unknown_app() ? -1 : g_.app_id(ref.app);
  if (app < 0 || !state(app).migrated) {
    g_.add_external(ExternalDependency{
        origin.migration, ref.unknown_app() ? ref.setting_expression() : ref.app, ref.name});
    return std::nullopt;
  }
  if (!is_special(ref.name) || g_.lookup(app, ref.name) >= 0) {
    return node_or_dummy(app, ref, origin);
  }
  if (app == current_app) return std::nullopt;  // Django ignores these (#22325)
  std::optional<int> target = first_or_latest(app, ref.name == "__latest__");
  if (!target && !state(app).unreadable) {
    diagnostics_.push_back(rule_finding(
        migration(origin.migration).path, ref.span, "dangling-dependency",
        fmt::format("depends on app '{}', which has no migrations", ref.app),
        fmt::format("run `manage.py makemigrations {}` or drop the dependency", ref.app)));
  }
  return target;
}

void DjangoGraphBuilder::replace(const DjangoMigration& squash, int squash_node) {
  std::vector<int> replaced;
  for (const MigrationRef& ref : squash.replaces) {
    const int app = g_.app_id(ref.app);
    const int id = app < 0 ? -1 : g_.lookup(app, ref.name);
    if (id >= 0 && id != squash_node && !node(id).removed) replaced.push_back(id);
  }
  std::sort(replaced.begin(), replaced.end());
  replaced.erase(std::unique(replaced.begin(), replaced.end()), replaced.end());
  auto is_replaced = [&](int id) {
    return std::binary_search(replaced.begin(), replaced.end(), id);
  };
  for (int r : replaced) g_.remove_node(r);
  for (int r : replaced) {
    // Copies: add_edge may grow the vectors being read.
    const std::vector<int> children = node(r).children;
    const std::vector<int> parents = node(r).parents;
    for (int child : children) {
      if (!is_replaced(child) && !node(child).removed) add_edge(child, squash_node);
    }
    for (int parent : parents) {
      if (!is_replaced(parent) && !node(parent).removed) add_edge(squash_node, parent);
    }
  }
}

const MigrationRef& DjangoGraphBuilder::ref_of(const Origin& o) const {
  const DjangoMigration& m = migration(o.migration);
  return o.run_before ? m.run_before[o.ref] : m.dependencies[o.ref];
}

void DjangoGraphBuilder::report_dangling(const UnreadableMigrations& unreadable) {
  std::unordered_map<int, std::vector<std::string>> known_of;  // per app, once
  for (const auto& [id, origins] : dummy_origins_) {
    const MigrationGraph::Node& target = node(id);
    if (target.removed) continue;  // a squash stands in for it
    if (unreadable.count(std::make_pair(target.app, target.name)) != 0) continue;
    const int app = g_.app_of(id);
    auto [slot, fresh] = known_of.try_emplace(app);
    std::vector<std::string>& known = slot->second;
    if (fresh) {
      for (int other : g_.app_nodes(app)) {
        const MigrationGraph::Node& n = node(other);
        if (!n.removed && n.migration >= 0) known.push_back(n.name);
      }
      std::sort(known.begin(), known.end());
    }
    for (const Origin& o : origins) {
      const MigrationRef& ref = ref_of(o);
      Diagnostic d = rule_finding(
          migration(o.migration).path, ref.span, "dangling-dependency",
          fmt::format("{} {}.{}, which does not exist",
                      o.run_before ? "run_before names" : "depends on", target.app, target.name));
      if (target.name == "__latest__") {
        d.hint = "a migration cannot depend on the latest migration of its own app";
      } else if (auto renamed = renamed_counterpart(target.name, known)) {
        d.hint = fmt::format(
            "it was probably renamed to {} (e.g. by a rebase): `migline resolve` re-points "
            "this reference",
            *renamed);
      } else if (!known.empty()) {
        d.hint = fmt::format("the migrations of '{}' end at {}", target.app, known.back());
      }
      diagnostics_.push_back(std::move(d));
    }
  }
}

void DjangoGraphBuilder::report_cycles() {
  auto label = [&](int id) { return node(id).app + "." + node(id).name; };
  for (const std::vector<int>& component : g_.cycles()) {
    std::vector<std::string> names;
    for (int c : component) names.push_back(label(c));
    std::sort(names.begin(), names.end());
    auto first = std::min_element(component.begin(), component.end(),
                                  [&](int a, int b) { return label(a) < label(b); });
    Diagnostic d;
    const MigrationGraph::Node& culprit = node(*first);
    if (culprit.migration >= 0) {
      const DjangoMigration& m = migration(culprit.migration);
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
    diagnostics_.push_back(std::move(d));
  }
}

MigrationGraph DjangoGraphBuilder::build(const std::set<std::string>& apps,
                                         const UnreadableMigrations& unreadable) {
  g_.reserve(migrations_.size());
  for (const std::string& app : apps) state(intern_app(app)).migrated = true;
  for (const auto& [app, name] : unreadable) {
    if (const int id = g_.app_id(app); id >= 0) state(id).unreadable = true;
  }
  std::vector<int> app_of(migrations_.size(), -1);
  for (std::size_t i = 0; i < migrations_.size(); ++i) app_of[i] = intern_app(migrations_[i].app);
  const std::vector<int> order = by_app_and_name(app_of);
  for (int i : order) {
    const DjangoMigration& m = migration(i);
    const int app = app_of[static_cast<std::size_t>(i)];
    if (g_.lookup(app, m.name) >= 0) {
      Diagnostic d;
      d.path = m.path;
      d.message = fmt::format("migration {}.{} is defined twice", m.app, m.name);
      d.rule = "duplicate-migration";
      diagnostics_.push_back(std::move(d));
      continue;
    }
    add_node(app, m.name, i);
  }
  // Calls fn(index, migration, app, node) for every migration with a node, in sorted order.
  auto each = [&](auto&& fn) {
    for (int i : order) {
      const int self = g_.node_of(i);
      if (self >= 0) fn(i, migration(i), app_of[static_cast<std::size_t>(i)], self);
    }
  };
  // Same phases, same order as MigrationLoader.build_graph(): internal dependencies first, so
  // that __first__ and __latest__ see every migration of their app.
  each([&](int i, const DjangoMigration& m, int app, int self) {
    for (std::size_t r = 0; r < m.dependencies.size(); ++r) {
      const MigrationRef& dep = m.dependencies[r];
      if (dep.app == m.app && dep.name != "__first__") {
        add_edge(self, node_or_dummy(app, dep, Origin{i, false, r}));
      }
    }
  });
  each([&](int i, const DjangoMigration& m, int app, int self) {
    for (std::size_t r = 0; r < m.dependencies.size(); ++r) {
      const MigrationRef& dep = m.dependencies[r];
      if (dep.app == m.app) continue;
      if (auto parent = resolve_special(dep, app, Origin{i, false, r})) add_edge(self, *parent);
    }
    for (std::size_t r = 0; r < m.run_before.size(); ++r) {
      if (auto child = resolve_special(m.run_before[r], app, Origin{i, true, r})) {
        add_edge(*child, self);
      }
    }
  });
  // Only __first__ and __latest__ needed these; from here on edges are linked as added.
  tracking_ = false;
  app_parent_ = {};
  app_child_ = {};
  g_.link_edges();
  for (AppState& a : apps_) a.missing_roots = a.missing_leaves = {};
  each([&](int, const DjangoMigration& m, int, int self) {
    if (m.replaces.empty()) return;
    if (node(self).removed) {
      diagnostics_.push_back(rule_finding(
          m.path, m.class_span, "squash-replaced",
          fmt::format("squash {}.{} is itself replaced by another squash", m.app, m.name),
          "delete the older squash once every database has applied the newer one"));
      return;
    }
    replace(m, self);
  });
  g_.finish_edges();
  report_dangling(unreadable);
  report_cycles();
  return std::move(g_);
}

}  // namespace

MigrationGraph build_django_graph(const std::vector<DjangoMigration>& migrations,
                                  const std::set<std::string>& apps, Diagnostics& diagnostics,
                                  const UnreadableMigrations& unreadable) {
  return DjangoGraphBuilder(migrations, diagnostics).build(apps, unreadable);
}

}  // namespace migline
