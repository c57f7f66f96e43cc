#include "core/linearize.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/migration_name.hpp"

namespace migline {
namespace {

using NodeSet = std::unordered_set<int>;

// `start` and its ancestors within `app`, following live dependency edges.
NodeSet ancestors_in_app(const MigrationGraph& graph, std::string_view app,
                         const std::vector<int>& start) {
  NodeSet seen;
  std::vector<int> todo = start;
  while (!todo.empty()) {
    const int n = todo.back();
    todo.pop_back();
    if (!seen.insert(n).second) continue;
    for (int p : graph.nodes()[static_cast<std::size_t>(n)].parents) {
      const MigrationGraph::Node& parent = graph.nodes()[static_cast<std::size_t>(p)];
      if (parent.app == app && !parent.removed) todo.push_back(p);
    }
  }
  return seen;
}

// An edit that rewrites the name literal of `ref` in `source` to `name`.
MigrationEdit rename_reference(int migration, const MigrationRef& ref, std::string_view source,
                               const std::string& name) {
  const std::string_view literal = source.substr(ref.name_span.offset, ref.name_span.length);
  return MigrationEdit{
      migration,
      TextEdit{ref.name_span.offset, ref.name_span.length, rewrite_string_literal(literal, name)},
      fmt::format("('{}', '{}') -> '{}'", ref.app, ref.name, name)};
}

// Calls `fn(ref)` for every reference `m` makes whose name literal could be rewritten.
template <typename Fn>
void for_each_named_ref(const DjangoMigration& m, bool with_replaces, Fn fn) {
  for (const auto* list : {&m.dependencies, &m.run_before, &m.replaces}) {
    if (list == &m.replaces && !with_replaces) continue;
    for (const MigrationRef& ref : *list) {
      if (ref.name_span.length > 0) fn(ref);
    }
  }
}

}  // namespace

std::vector<int> moving_chain(const MigrationGraph& graph, std::string_view app, int leaf,
                              const std::vector<int>& stay) {
  const NodeSet kept = ancestors_in_app(graph, app, stay);
  const NodeSet reach = ancestors_in_app(graph, app, {leaf});
  std::vector<int> out;
  for (int n : graph.ordered(app)) {
    if (reach.count(n) != 0 && kept.count(n) == 0) out.push_back(n);
  }
  return out;
}

tl::expected<ResolutionPlan, std::string> plan_linearization(
    const std::vector<DjangoMigration>& migrations, const std::vector<std::string_view>& sources,
    const MigrationGraph& graph, const std::vector<DivergentSet>& sets) {
  ResolutionPlan plan;
  // (app, old name) -> new name, for rewriting references in every app afterwards.
  std::map<std::pair<std::string, std::string>, std::string> renamed;
  const auto& nodes = graph.nodes();
  for (const DivergentSet& set : sets) {
    std::vector<int> stay = {set.kept};
    std::vector<std::vector<int>> chains;
    NodeSet moving;
    for (int leaf : set.moving) {
      chains.push_back(moving_chain(graph, set.app, leaf, stay));
      moving.insert(chains.back().begin(), chains.back().end());
      stay.push_back(leaf);
    }
    long highest = 0;
    std::set<std::string> taken;
    for (std::size_t i = 0; i < migrations.size(); ++i) {
      if (migrations[i].app != set.app) continue;
      taken.insert(migrations[i].name);
      if (moving.count(graph.node_of(static_cast<int>(i))) != 0) continue;
      highest = std::max(highest, split_migration_number(migrations[i].name).value);
    }
    for (int n : moving) taken.erase(nodes[static_cast<std::size_t>(n)].name);

    std::string anchor = nodes[static_cast<std::size_t>(set.kept)].name;
    for (const std::vector<int>& chain : chains) {
      const NodeSet in_chain(chain.begin(), chain.end());
      for (int n : chain) {
        const MigrationGraph::Node& node = nodes[static_cast<std::size_t>(n)];
        if (node.migration < 0) {
          return tl::make_unexpected(fmt::format("{}.{} has no file", node.app, node.name));
        }
        const DjangoMigration& m = migrations[static_cast<std::size_t>(node.migration)];
        const MigrationNumber number = split_migration_number(node.name);
        if (!number.digits.empty()) {
          const std::string name = numbered_name(++highest, number.digits.size(), number.suffix);
          if (!is_valid_migration_name(name) || !taken.insert(name).second) {
            return tl::make_unexpected(fmt::format(
                "cannot rename {}.{} to '{}': that name is taken", set.app, node.name, name));
          }
          plan.renames.push_back(MigrationRename{node.migration, name});
          renamed[{set.app, node.name}] = name;
        }
        const bool root = std::none_of(node.parents.begin(), node.parents.end(),
                                       [&](int p) { return in_chain.count(p) != 0; });
        if (root) {
          // The dependency on the fork point becomes one on the leaf the chain now follows.
          auto fork = std::find_if(m.dependencies.begin(), m.dependencies.end(),
                                   [&](const MigrationRef& ref) {
                                     if (ref.app != set.app || ref.name_span.length == 0) {
                                       return false;
                                     }
                                     auto target = graph.find(ref.app, ref.name);
                                     return target && in_chain.count(*target) == 0;
                                   });
          if (fork == m.dependencies.end()) {
            return tl::make_unexpected(fmt::format(
                "cannot move {}.{}: it has no dependency on an earlier migration of '{}' to "
                "re-point; use `--strategy merge`",
                set.app, node.name, set.app));
          }
          plan.edits.push_back(rename_reference(
              node.migration, *fork, sources[static_cast<std::size_t>(node.migration)], anchor));
        }
      }
      const std::string& leaf = nodes[static_cast<std::size_t>(chain.back())].name;
      auto it = renamed.find({set.app, leaf});
      anchor = it == renamed.end() ? leaf : it->second;
    }
  }
  // A re-pointed root may already have its fork reference edited; that edit wins.
  std::set<std::pair<int, std::size_t>> edited;
  for (const MigrationEdit& e : plan.edits) edited.emplace(e.migration, e.edit.offset);
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    for_each_named_ref(migrations[i], true, [&](const MigrationRef& ref) {
      auto it = renamed.find({ref.app, ref.name});
      if (it == renamed.end() || edited.count({static_cast<int>(i), ref.name_span.offset})) {
        return;
      }
      plan.edits.push_back(rename_reference(static_cast<int>(i), ref, sources[i], it->second));
    });
  }
  return plan;
}

ResolutionPlan plan_dangling_repairs(const std::vector<DjangoMigration>& migrations,
                                     const std::vector<std::string_view>& sources,
                                     const std::vector<std::string>& apps) {
  std::unordered_map<std::string, std::vector<const std::string*>> names_by_app;
  std::set<std::pair<std::string, std::string>> existing;
  for (const DjangoMigration& m : migrations) {
    names_by_app[m.app].push_back(&m.name);
    existing.emplace(m.app, m.name);
  }
  ResolutionPlan plan;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    for_each_named_ref(migrations[i], false, [&](const MigrationRef& ref) {
      if (existing.count({ref.app, ref.name}) != 0 || ref.name == "__first__" ||
          ref.name == "__latest__" || std::find(apps.begin(), apps.end(), ref.app) == apps.end()) {
        return;
      }
      const MigrationNumber wanted = split_migration_number(ref.name);
      if (wanted.digits.empty()) return;
      const std::string* match = nullptr;
      for (const std::string* name : names_by_app[ref.app]) {
        const MigrationNumber n = split_migration_number(*name);
        if (n.digits.empty() || n.suffix != wanted.suffix || n.value == wanted.value) continue;
        if (match != nullptr) return;  // two candidates: not ours to choose
        match = name;
      }
      if (match != nullptr) {
        plan.edits.push_back(rename_reference(static_cast<int>(i), ref, sources[i], *match));
      }
    });
  }
  return plan;
}

}  // namespace migline
