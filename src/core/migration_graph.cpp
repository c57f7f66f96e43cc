#include "core/migration_graph.hpp"

#include <algorithm>
#include <numeric>
#include <queue>

#include <fmt/format.h>

#include "core/migration_name.hpp"

namespace migline {
namespace {

std::string key_of(std::string_view app, std::string_view name) {
  std::string key;
  key.reserve(app.size() + name.size() + 1);
  key.append(app);
  key += '\x1f';
  key.append(name);
  return key;
}

// True when a migration of `app` could not be read.
bool has_unreadable(const MigrationGraph::Unreadable& unreadable, const std::string& app) {
  auto it = unreadable.lower_bound(std::make_pair(app, std::string()));
  return it != unreadable.end() && it->first == app;
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

int MigrationGraph::add_node(std::string app, std::string name, int migration) {
  const int id = static_cast<int>(nodes_.size());
  index_.emplace(key_of(app, name), id);
  by_app_[app].push_back(id);
  nodes_.push_back(Node{std::move(app), std::move(name), migration, {}, {}, false});
  return id;
}

int MigrationGraph::node_or_dummy(const MigrationRef& ref, Origin origin) {
  auto it = index_.find(key_of(ref.app, ref.name));
  int id = it != index_.end() ? it->second : add_node(ref.app, ref.name, -1);
  if (nodes_[static_cast<std::size_t>(id)].migration < 0) dummy_origins_[id].push_back(origin);
  return id;
}

void MigrationGraph::add_edge(int child, int parent) {
  nodes_[static_cast<std::size_t>(child)].parents.push_back(parent);
  nodes_[static_cast<std::size_t>(parent)].children.push_back(child);
}

std::optional<int> MigrationGraph::find(std::string_view app, std::string_view name) const {
  auto it = index_.find(key_of(app, name));
  if (it == index_.end() || nodes_[static_cast<std::size_t>(it->second)].removed) {
    return std::nullopt;
  }
  return it->second;
}

// Django's root_nodes(app)[0] / leaf_nodes(app)[0]: over every node of the app (missing
// targets included, as Django's dummy nodes are), edges within the app only, first by name.
std::optional<int> MigrationGraph::first_or_latest(const std::string& app, bool latest) {
  auto it = by_app_.find(app);
  if (it == by_app_.end()) return std::nullopt;
  std::optional<int> best;
  for (int id : it->second) {
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    if (n.removed) continue;
    const auto& edges = latest ? n.children : n.parents;
    bool inside = std::any_of(edges.begin(), edges.end(), [&](int other) {
      return nodes_[static_cast<std::size_t>(other)].app == app;
    });
    if (!inside && (!best || n.name < nodes_[static_cast<std::size_t>(*best)].name)) best = id;
  }
  return best;
}

std::optional<int> MigrationGraph::resolve_special(const MigrationRef& ref,
                                                   const std::string& current_app,
                                                   const std::set<std::string>& apps, Origin origin,
                                                   const std::vector<DjangoMigration>& migrations,
                                                   const Unreadable& unreadable,
                                                   Diagnostics& diagnostics) {
  if (apps.count(ref.app) == 0) {
    externals_.push_back(ExternalDependency{
        origin.migration, ref.unknown_app() ? "settings." + ref.setting : ref.app, ref.name});
    return std::nullopt;
  }
  if (!is_special(ref.name) || index_.count(key_of(ref.app, ref.name)) != 0) {
    return node_or_dummy(ref, origin);
  }
  if (ref.app == current_app) return std::nullopt;  // Django ignores these (#22325)
  std::optional<int> target = first_or_latest(ref.app, ref.name == "__latest__");
  if (!target && !has_unreadable(unreadable, ref.app)) {
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
    auto it = index_.find(key_of(ref.app, ref.name));
    if (it != index_.end() && it->second != squash_node &&
        !nodes_[static_cast<std::size_t>(it->second)].removed) {
      replaced.push_back(it->second);
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
    index_.erase(key_of(node.app, node.name));
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
  for (const auto& [id, origins] : dummy_origins_) {
    const Node& node = nodes_[static_cast<std::size_t>(id)];
    if (node.removed) continue;  // a squash stands in for it
    if (unreadable.count(std::make_pair(node.app, node.name)) != 0) continue;
    std::vector<std::string> known;
    for (int other : by_app_[node.app]) {
      const Node& n = nodes_[static_cast<std::size_t>(other)];
      if (!n.removed && n.migration >= 0) known.push_back(n.name);
    }
    std::sort(known.begin(), known.end());
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
  // Iterative Tarjan: deep chains must not exhaust the stack.
  const int n = static_cast<int>(nodes_.size());
  std::vector<int> index(static_cast<std::size_t>(n), -1), low(static_cast<std::size_t>(n), 0);
  std::vector<char> on_stack(static_cast<std::size_t>(n), 0);
  std::vector<int> stack;
  std::vector<std::pair<int, std::size_t>> work;
  int counter = 0;
  auto at = [](auto& v, int i) -> auto& {
    return v[static_cast<std::size_t>(i)];
  };
  for (int start = 0; start < n; ++start) {
    if (at(index, start) >= 0 || at(nodes_, start).removed) continue;
    work.emplace_back(start, 0);
    while (!work.empty()) {
      auto& [v, next] = work.back();
      if (next == 0 && at(index, v) < 0) {
        at(index, v) = at(low, v) = counter++;
        stack.push_back(v);
        at(on_stack, v) = 1;
      }
      const std::vector<int>& parents = at(nodes_, v).parents;
      if (next < parents.size()) {
        int w = parents[next++];
        if (at(index, w) < 0) {
          work.emplace_back(w, 0);
        } else if (at(on_stack, w)) {
          at(low, v) = std::min(at(low, v), at(index, w));
        }
        continue;
      }
      const int done = v;
      work.pop_back();
      if (!work.empty()) {
        int up = work.back().first;
        at(low, up) = std::min(at(low, up), at(low, done));
      }
      if (at(low, done) != at(index, done)) continue;
      std::vector<int> component;
      int w;
      do {
        w = stack.back();
        stack.pop_back();
        at(on_stack, w) = 0;
        component.push_back(w);
      } while (w != done);
      const auto& self = at(nodes_, done).parents;
      if (component.size() == 1 && !std::binary_search(self.begin(), self.end(), done)) continue;
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
          if (std::find(names.begin(), names.end(), ref.app + "." + ref.name) != names.end()) {
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
}

MigrationGraph MigrationGraph::build(const std::vector<DjangoMigration>& migrations,
                                     const std::set<std::string>& apps, Diagnostics& diagnostics,
                                     const Unreadable& unreadable) {
  MigrationGraph g;
  std::vector<int> order(migrations.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    const auto& x = migrations[static_cast<std::size_t>(a)];
    const auto& y = migrations[static_cast<std::size_t>(b)];
    return std::tie(x.app, x.name) < std::tie(y.app, y.name);
  });
  g.nodes_.reserve(migrations.size());
  g.node_of_migration_.assign(migrations.size(), -1);
  for (int i : order) {
    const DjangoMigration& m = migrations[static_cast<std::size_t>(i)];
    if (g.index_.count(key_of(m.app, m.name)) != 0) {
      Diagnostic d;
      d.path = m.path;
      d.message = fmt::format("migration {}.{} is defined twice", m.app, m.name);
      d.rule = "duplicate-migration";
      diagnostics.push_back(std::move(d));
      continue;
    }
    g.node_of_migration_[static_cast<std::size_t>(i)] = g.add_node(m.app, m.name, i);
  }
  // Calls fn(index, migration, node) for every migration with a node, in sorted order.
  auto each = [&](auto&& fn) {
    for (int i : order) {
      const int self = g.node_of_migration_[static_cast<std::size_t>(i)];
      if (self >= 0) fn(i, migrations[static_cast<std::size_t>(i)], self);
    }
  };
  // Same phases, same order as MigrationLoader.build_graph(): internal dependencies first, so
  // that __first__ and __latest__ see every migration of their app.
  each([&](int i, const DjangoMigration& m, int self) {
    for (std::size_t r = 0; r < m.dependencies.size(); ++r) {
      const MigrationRef& dep = m.dependencies[r];
      if (dep.app == m.app && dep.name != "__first__") {
        g.add_edge(self, g.node_or_dummy(dep, Origin{i, false, r}));
      }
    }
  });
  each([&](int i, const DjangoMigration& m, int self) {
    for (std::size_t r = 0; r < m.dependencies.size(); ++r) {
      const MigrationRef& dep = m.dependencies[r];
      if (dep.app == m.app) continue;
      auto parent = g.resolve_special(dep, m.app, apps, Origin{i, false, r}, migrations, unreadable,
                                      diagnostics);
      if (parent) g.add_edge(self, *parent);
    }
    for (std::size_t r = 0; r < m.run_before.size(); ++r) {
      auto child = g.resolve_special(m.run_before[r], m.app, apps, Origin{i, true, r}, migrations,
                                     unreadable, diagnostics);
      if (child) g.add_edge(*child, self);
    }
  });
  each([&](int, const DjangoMigration& m, int self) {
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
  for (const auto& [app, ids] : by_app_) {
    if (std::any_of(ids.begin(), ids.end(), [&](int id) {
          const Node& n = nodes_[static_cast<std::size_t>(id)];
          return !n.removed && n.migration >= 0;
        })) {
      out.push_back(app);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> MigrationGraph::leaves(std::string_view app) const {
  std::vector<int> out;
  auto it = by_app_.find(std::string(app));
  if (it == by_app_.end()) return out;
  for (int id : it->second) {
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    if (n.removed || n.migration < 0) continue;
    bool has_child = std::any_of(n.children.begin(), n.children.end(), [&](int c) {
      return nodes_[static_cast<std::size_t>(c)].app == n.app;
    });
    if (!has_child) out.push_back(id);
  }
  std::sort(out.begin(), out.end(), [&](int a, int b) {
    return nodes_[static_cast<std::size_t>(a)].name < nodes_[static_cast<std::size_t>(b)].name;
  });
  return out;
}

std::vector<int> MigrationGraph::ordered(std::string_view app) const {
  std::vector<int> out;
  auto it = by_app_.find(std::string(app));
  if (it == by_app_.end()) return out;
  auto by_name = [&](int a, int b) {
    return nodes_[static_cast<std::size_t>(a)].name > nodes_[static_cast<std::size_t>(b)].name;
  };
  std::priority_queue<int, std::vector<int>, decltype(by_name)> ready(by_name);
  std::unordered_map<int, int> waiting;
  for (int id : it->second) {
    const Node& n = nodes_[static_cast<std::size_t>(id)];
    if (n.removed || n.migration < 0) continue;
    int count = 0;
    for (int p : n.parents) count += nodes_[static_cast<std::size_t>(p)].app == n.app;
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
