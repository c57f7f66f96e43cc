#include "project/checks.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/plan/migration_name.hpp"
#include "project/alembic_checks.hpp"
#include "project/manifest_files.hpp"

namespace migline {
namespace {

using Node = MigrationGraph::Node;

const DjangoMigration& migration_of(const Project& project, int node) {
  const Node& n = project.graph.nodes()[static_cast<std::size_t>(node)];
  return project.migrations[static_cast<std::size_t>(n.migration)];
}

Diagnostic finding(const DjangoMigration& m, std::string rule, std::string message,
                   std::string hint, Severity severity = Severity::Error) {
  return rule_finding(m.path, m.class_span, std::move(rule), std::move(message), std::move(hint),
                      severity);
}

std::string numeric_prefix(const std::string& name) {
  std::size_t n = 0;
  while (n < name.size() && name[n] >= '0' && name[n] <= '9') ++n;
  return name.substr(0, n);
}

bool has_unreadable_migration(const Project& project, const std::string& app) {
  auto it = project.unreadable.lower_bound(std::make_pair(app, std::string()));
  return it != project.unreadable.end() && it->first == app;
}

void check_divergence(const Project& project, Diagnostics& out) {
  for (const std::string& app : project.graph.apps()) {
    // A migration that failed to read leaves a gap: the leaves around it mean nothing.
    if (has_unreadable_migration(project, app)) continue;
    const std::vector<int> leaves = project.graph.leaves(app);
    if (leaves.size() < 2) continue;
    std::vector<std::string> names;
    for (int id : leaves) names.push_back(project.graph.nodes()[static_cast<std::size_t>(id)].name);
    out.push_back(finding(migration_of(project, leaves.back()), "divergent-leaves",
                          fmt::format("app '{}' has {} leaf migrations: {}", app, leaves.size(),
                                      fmt::join(names, ", ")),
                          "run `migline resolve` to linearize them (or `migline resolve "
                          "--strategy merge` for a merge migration)"));
  }
}

// Numbers that a migration new since the fork point shares with another of its app. History
// already merged is not the branch's to fix, so it is never reported again.
void check_numbers(const Project& project, const BaseProject& base, Diagnostics& out) {
  std::set<std::pair<std::string, std::string>> at_fork;
  for (const DjangoMigration& m : base.at_fork->migrations) at_fork.emplace(m.app, m.name);
  for (const std::string& app : project.graph.apps()) {
    std::map<std::string, std::vector<int>> by_number;
    long highest = 0;
    for (int id : project.graph.ordered(app)) {
      const std::string& name = project.graph.nodes()[static_cast<std::size_t>(id)].name;
      const std::string number = numeric_prefix(name);
      if (number.empty()) continue;
      by_number[number].push_back(id);
      highest = std::max(highest, split_migration_number(name).value);
    }
    for (const auto& [number, ids] : by_number) {
      if (ids.size() < 2) continue;
      std::vector<std::string> names;
      const DjangoMigration* fresh = nullptr;  // the last new one, parents first
      for (int id : ids) {
        const DjangoMigration& m = migration_of(project, id);
        names.push_back(m.name);
        if (at_fork.count({app, m.name}) == 0) fresh = &m;
      }
      if (fresh == nullptr) continue;
      std::sort(names.begin(), names.end());
      const MigrationNumber parts = split_migration_number(fresh->name);
      out.push_back(finding(
          *fresh, "duplicate-number",
          fmt::format("app '{}' has {} migrations numbered {}: {}", app, ids.size(), number,
                      fmt::join(names, ", ")),
          fmt::format("harmless to Django, but confusing: while {} is unpublished, rename it (and "
                      "the references to it) to {} (`migline resolve` renumbers unpublished "
                      "migrations only when their "
                      "app has diverged)",
                      fresh->name, numbered_name(highest + 1, parts.digits.size(), parts.suffix)),
          Severity::Warning));
    }
  }
}

void check_manifest(const Project& project, const FileSource& source, Diagnostics& out) {
  const bool single = project.config.manifest_layout == ManifestLayout::Single;
  for (const ManifestFile& expected : expected_manifests(project)) {
    auto current = source.read_extra(expected.path);
    if (!current) {
      out.push_back(file_error(expected.path, "cannot read: " + current.error()));
      out.back().rule = "manifest-missing";
      continue;
    }
    if (!*current) {
      out.push_back(file_error(expected.path, "the migration manifest is missing",
                               "run `migline update` (or `migline init`) and commit it"));
      out.back().rule = "manifest-missing";
      continue;
    }
    Diagnostics parse_errors;
    if (single) {
      if (auto parsed = parse_manifest(expected.path, **current); !parsed) {
        parse_errors = parsed.error();
      }
    } else if (auto parsed = parse_max_migration(expected.path, **current); !parsed) {
      parse_errors = parsed.error();
    }
    // Conflict markers are one cause: the first marker says it; what follows from them (other
    // markers, an app listed twice) would only repeat it.
    auto conflict = std::find_if(parse_errors.begin(), parse_errors.end(), [](const Diagnostic& d) {
      return d.message == "unresolved merge conflict";
    });
    if (conflict != parse_errors.end()) parse_errors = {*conflict};
    if (!parse_errors.empty()) {
      for (Diagnostic& d : parse_errors) {
        d.rule =
            d.message == "unresolved merge conflict" ? "manifest-conflict" : "manifest-invalid";
        out.push_back(std::move(d));
      }
      continue;
    }
    if (**current == expected.content) continue;
    out.push_back(file_error(expected.path, "the migration manifest is stale",
                             "run `migline update` and commit the result"));
    out.back().rule = "manifest-stale";
  }
}

// Same-app nodes reachable from `start` by `parents` edges (or `children` edges when `down`),
// `start` included.
std::unordered_set<int> reachable_in_app(const MigrationGraph& graph, std::vector<int> start,
                                         bool down) {
  std::unordered_set<int> seen(start.begin(), start.end());
  const std::string& app = graph.nodes()[static_cast<std::size_t>(start.front())].app;
  while (!start.empty()) {
    const Node& n = graph.nodes()[static_cast<std::size_t>(start.back())];
    start.pop_back();
    for (int next : down ? n.children : n.parents) {
      if (graph.nodes()[static_cast<std::size_t>(next)].app == app && seen.insert(next).second) {
        start.push_back(next);
      }
    }
  }
  return seen;
}

// "app\x1fname" of every migration a squash of `project` replaces -> the first such squash (in
// the order of the migrations), or the first live one.
std::unordered_map<std::string, const DjangoMigration*> squashes_by_replaced(const Project& project,
                                                                             bool live_only) {
  std::unordered_map<std::string, const DjangoMigration*> out;
  for (const DjangoMigration& m : project.migrations) {
    if (m.replaces.empty() || (live_only && !project.graph.find(m.app, m.name))) continue;
    for (const MigrationRef& r : m.replaces) out.emplace(r.app + '\x1f' + r.name, &m);
  }
  return out;
}

void check_published(const Project& project, const FileSource& source, const BaseProject& base,
                     Diagnostics& out) {
  std::unordered_map<std::string, const DjangoMigration*> by_path;
  for (const DjangoMigration& m : project.migrations) by_path.emplace(m.path, &m);
  std::unordered_map<std::string, std::string> contents;  // read lazily for renames
  auto content_of = [&](const std::string& path) -> const std::string& {
    auto it = contents.find(path);
    if (it == contents.end()) it = contents.emplace(path, source.read(path).value_or("")).first;
    return it->second;
  };
  const auto squashes = squashes_by_replaced(project, false);
  // Per app with a migration gone: contents of its migrations -> the last one with them.
  std::unordered_map<std::string, std::unordered_map<std::string_view, const DjangoMigration*>>
      by_content;
  auto renamed_to = [&](const std::string& app,
                        const std::string& before) -> const DjangoMigration* {
    auto [it, fresh] = by_content.try_emplace(app);
    if (fresh) {
      for (const DjangoMigration& m : project.migrations) {
        if (m.app == app) it->second[content_of(m.path)] = &m;
      }
    }
    auto found = it->second.find(before);
    return found == it->second.end() ? nullptr : found->second;
  };
  for (const DjangoMigration& old : base.at_fork->migrations) {
    const std::string before = base.fork_source->read(old.path).value_or("");
    auto now = by_path.find(old.path);
    if (now != by_path.end()) {
      if (content_of(old.path) != before) {
        out.push_back(finding(*now->second, "published-modified",
                              fmt::format("{}.{} was changed, but it exists at {} and may "
                                          "already be applied",
                                          old.app, old.name, base.rev),
                              "restore it and make the change in a new migration"));
      }
      continue;
    }
    // Gone from its path: a squash may stand in for it; otherwise renamed or deleted.
    if (squashes.count(old.app + '\x1f' + old.name) != 0) continue;
    const DjangoMigration* renamed = renamed_to(old.app, before);
    Diagnostic d = file_error(old.path, "",
                              "restore it under its old name; a migration that "
                              "exists at the base may already be applied");
    if (renamed) {
      d.rule = "published-renamed";
      d.message = fmt::format("{}.{} was renamed to {}, but it exists at {}", old.app, old.name,
                              renamed->name, base.rev);
    } else {
      d.rule = "published-deleted";
      d.message =
          fmt::format("{}.{} was deleted, but it exists at {}", old.app, old.name, base.rev);
    }
    out.push_back(std::move(d));
  }
}

void check_behind(const Project& project, const BaseProject& base, Diagnostics& out) {
  const MigrationGraph& old_graph = base.at_rev->graph;
  const auto squashes = squashes_by_replaced(project, true);
  // The live node standing for `app`.`name` of the base: itself, or a squash replacing it.
  auto live_counterpart = [&](const std::string& app,
                              const std::string& name) -> std::optional<int> {
    if (auto id = project.graph.find(app, name)) return id;
    auto it = squashes.find(app + '\x1f' + name);
    if (it == squashes.end()) return std::nullopt;
    return project.graph.find(it->second->app, it->second->name);
  };
  for (const std::string& app : project.graph.apps()) {
    const std::vector<int> old_leaves = old_graph.leaves(app);
    if (old_leaves.size() != 1) continue;  // a new app, or already divergent at the base
    const Node& old_leaf = old_graph.nodes()[static_cast<std::size_t>(old_leaves.front())];
    // Without the base's leaf (or a squash of it) the branch cannot descend from it; unless
    // the branch itself renamed or deleted it, which the published-* findings report.
    const std::optional<int> leaf = live_counterpart(app, old_leaf.name);
    if (!leaf && base.at_fork->graph.find(app, old_leaf.name)) continue;
    // A new migration follows the base's leaf when it descends from it, or when a migration
    // that does descends from both (a merge migration joining the branch to the base).
    std::unordered_set<int> joined;
    if (leaf) {
      const std::unordered_set<int> after = reachable_in_app(project.graph, {*leaf}, true);
      joined = reachable_in_app(project.graph, std::vector<int>(after.begin(), after.end()), false);
    }
    for (int id : project.graph.ordered(app)) {
      const Node& n = project.graph.nodes()[static_cast<std::size_t>(id)];
      if (old_graph.find(app, n.name)) continue;
      if (joined.count(id) != 0) continue;
      // A squash replacing base migrations is new too, but rewrites the past on purpose.
      if (!migration_of(project, id).replaces.empty()) continue;
      out.push_back(finding(
          migration_of(project, id), "branch-behind",
          fmt::format("{}.{} does not follow {}, the leaf of '{}' at {}: the branch is behind", app,
                      n.name, old_leaf.name, app, base.rev),
          fmt::format("merge or rebase onto {}, then run `migline resolve`", base.rev)));
    }
  }
}

}  // namespace

Diagnostics check_project(const Project& project, const FileSource& source,
                          const BaseProject* base) {
  Diagnostics out;
  check_divergence(project, out);
  // With unreadable migrations the leaves are incomplete, so staleness would mislead.
  if (!has_errors(project.diagnostics)) check_manifest(project, source, out);
  if (base != nullptr) {
    check_numbers(project, *base, out);
    check_published(project, source, *base, out);
    check_behind(project, *base, out);
  }
  Diagnostics alembic = check_alembic(project, source, base);
  out.insert(out.end(), alembic.begin(), alembic.end());
  return out;
}

}  // namespace migline
