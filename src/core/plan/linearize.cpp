#include "core/plan/linearize.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/plan/migration_name.hpp"

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
      ref.app,
      name,
      ref.name,
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

namespace {

// Builds a plan: renumbers chains, then rewrites every reference to what was renamed.
class PlanBuilder {
 public:
  PlanBuilder(const std::vector<DjangoMigration>& migrations,
              const std::vector<std::string_view>& sources, const MigrationGraph& graph)
      : migrations_(migrations), sources_(sources), graph_(graph) {}

  // Renumbers `chains` of `app` (parents first) after the highest number of the app's other
  // migrations. With `anchor`, each chain's root is pointed at it, then at the previous chain.
  tl::expected<void, std::string> renumber(const std::string& app,
                                           const std::vector<std::vector<int>>& chains,
                                           std::optional<std::string> anchor) {
    const auto& nodes = graph_.nodes();
    NodeSet moving;
    for (const auto& chain : chains) moving.insert(chain.begin(), chain.end());
    long highest = 0;
    std::set<std::string> taken;
    for (std::size_t i = 0; i < migrations_.size(); ++i) {
      if (migrations_[i].app != app) continue;
      if (moving.count(graph_.node_of(static_cast<int>(i))) != 0) continue;
      taken.insert(migrations_[i].name);
      highest = std::max(highest, split_migration_number(migrations_[i].name).value);
    }
    for (const std::vector<int>& chain : chains) {
      const NodeSet in_chain(chain.begin(), chain.end());
      for (int n : chain) {
        const MigrationGraph::Node& node = nodes[static_cast<std::size_t>(n)];
        if (node.migration < 0) {
          return tl::make_unexpected(fmt::format("{}.{} has no file", node.app, node.name));
        }
        const MigrationNumber number = split_migration_number(node.name);
        if (!number.digits.empty()) {
          const std::string name = numbered_name(++highest, number.digits.size(), number.suffix);
          if (!is_plain_name(name) || !taken.insert(name).second) {
            return tl::make_unexpected(fmt::format(
                "cannot rename {}.{} to '{}': that name is taken", app, node.name, name));
          }
          plan_.renames.push_back(MigrationRename{node.migration, name});
          renamed_[{app, node.name}] = name;
        } else {
          taken.insert(node.name);
        }
        const bool root = std::none_of(node.parents.begin(), node.parents.end(),
                                       [&](int p) { return in_chain.count(p) != 0; });
        if (anchor && root) {
          if (auto pointed = point_at(app, n, in_chain, *anchor); !pointed) return pointed;
        }
      }
      const std::string& leaf = nodes[static_cast<std::size_t>(chain.back())].name;
      auto it = renamed_.find({app, leaf});
      if (anchor) anchor = it == renamed_.end() ? leaf : it->second;
    }
    return {};
  }

  ResolutionPlan finish() {
    // A re-pointed root may already have its fork reference edited; that edit wins.
    std::set<std::pair<int, std::size_t>> edited;
    for (const MigrationEdit& e : plan_.edits) edited.emplace(e.migration, e.edit.offset);
    for (std::size_t i = 0; i < migrations_.size(); ++i) {
      for_each_named_ref(migrations_[i], true, [&](const MigrationRef& ref) {
        auto it = renamed_.find({ref.app, ref.name});
        if (it == renamed_.end() || edited.count({static_cast<int>(i), ref.name_span.offset})) {
          return;
        }
        plan_.edits.push_back(rename_reference(static_cast<int>(i), ref, sources_[i], it->second));
      });
    }
    return std::move(plan_);
  }

 private:
  // The dependency of root `n` on the fork point becomes one on `anchor`.
  tl::expected<void, std::string> point_at(const std::string& app, int n, const NodeSet& in_chain,
                                           const std::string& anchor) {
    const MigrationGraph::Node& node = graph_.nodes()[static_cast<std::size_t>(n)];
    const DjangoMigration& m = migrations_[static_cast<std::size_t>(node.migration)];
    auto fork =
        std::find_if(m.dependencies.begin(), m.dependencies.end(), [&](const MigrationRef& ref) {
          if (ref.app != app || ref.name_span.length == 0) return false;
          auto target = graph_.find(ref.app, ref.name);
          return target && in_chain.count(*target) == 0;
        });
    if (fork == m.dependencies.end()) {
      return tl::make_unexpected(
          fmt::format("cannot move {}.{}: it has no dependency on an earlier migration of '{}' to "
                      "re-point; use `--strategy merge`",
                      app, node.name, app));
    }
    plan_.edits.push_back(rename_reference(
        node.migration, *fork, sources_[static_cast<std::size_t>(node.migration)], anchor));
    return {};
  }

  const std::vector<DjangoMigration>& migrations_;
  const std::vector<std::string_view>& sources_;
  const MigrationGraph& graph_;
  ResolutionPlan plan_;
  // (app, old name) -> new name, for rewriting references in every app at the end.
  std::map<std::pair<std::string, std::string>, std::string> renamed_;
};

}  // namespace

tl::expected<ResolutionPlan, std::string> plan_linearization(
    const std::vector<DjangoMigration>& migrations, const std::vector<std::string_view>& sources,
    const MigrationGraph& graph, const std::vector<DivergentSet>& sets) {
  PlanBuilder builder(migrations, sources, graph);
  for (const DivergentSet& set : sets) {
    std::vector<int> stay = {set.kept};
    std::vector<std::vector<int>> chains;
    for (int leaf : set.moving) {
      chains.push_back(moving_chain(graph, set.app, leaf, stay));
      stay.push_back(leaf);
    }
    const std::string& kept = graph.nodes()[static_cast<std::size_t>(set.kept)].name;
    if (auto done = builder.renumber(set.app, chains, kept); !done) {
      return tl::make_unexpected(done.error());
    }
  }
  return builder.finish();
}

tl::expected<ResolutionPlan, std::string> plan_renumbering(
    const std::vector<DjangoMigration>& migrations, const std::vector<std::string_view>& sources,
    const MigrationGraph& graph, const std::string& app, const std::vector<int>& chain) {
  PlanBuilder builder(migrations, sources, graph);
  if (auto done = builder.renumber(app, {chain}, std::nullopt); !done) {
    return tl::make_unexpected(done.error());
  }
  return builder.finish();
}

ResolutionPlan plan_dangling_repairs(const std::vector<DjangoMigration>& migrations,
                                     const std::vector<std::string_view>& sources,
                                     const std::vector<std::string>& apps,
                                     const KnownRenames& renames) {
  return plan_dangling_repairs(migrations, sources, apps, [&] { return renames; });
}

ResolutionPlan plan_dangling_repairs(const std::vector<DjangoMigration>& migrations,
                                     const std::vector<std::string_view>& sources,
                                     const std::vector<std::string>& apps,
                                     const std::function<KnownRenames()>& find_renames) {
  std::optional<KnownRenames> known_renames;
  std::unordered_map<std::string, std::vector<std::string>> names_by_app;
  std::set<std::pair<std::string, std::string>> existing;
  for (const DjangoMigration& m : migrations) {
    names_by_app[m.app].push_back(m.name);
    existing.emplace(m.app, m.name);
  }
  ResolutionPlan plan;
  for (std::size_t i = 0; i < migrations.size(); ++i) {
    for_each_named_ref(migrations[i], false, [&](const MigrationRef& ref) {
      if (existing.count({ref.app, ref.name}) != 0 ||
          std::find(apps.begin(), apps.end(), ref.app) == apps.end()) {
        return;
      }
      if (!known_renames) known_renames = find_renames();
      const KnownRenames& renames = *known_renames;
      if (auto known = renames.find({ref.app, ref.name});
          known != renames.end() && existing.count({ref.app, known->second}) != 0) {
        plan.edits.push_back(rename_reference(static_cast<int>(i), ref, sources[i], known->second));
      } else if (auto match = renamed_counterpart(ref.name, names_by_app[ref.app])) {
        plan.edits.push_back(rename_reference(static_cast<int>(i), ref, sources[i], *match));
      }
    });
  }
  return plan;
}

}  // namespace migline
