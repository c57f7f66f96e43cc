#include "cli/graph_render.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "cli/json_writer.hpp"

namespace migline::cli {
namespace {

using Node = MigrationGraph::Node;

std::vector<std::string> selected_apps(const Project& project, const std::string& app) {
  if (!app.empty()) return {app};
  return project.graph.apps();
}

std::string qualified(const Node& n) {
  return n.app + "." + n.name;
}

// External dependencies of each migration, as "app.name".
std::map<int, std::vector<std::string>> externals_by_migration(const Project& project) {
  std::map<int, std::vector<std::string>> out;
  for (const ExternalDependency& e : project.graph.external_dependencies()) {
    out[e.migration].push_back(e.app + "." + e.name);
  }
  return out;
}

// The conditions of a migration's conditional dependencies, by "app.name" as written:
// "if COND" or "unless COND".
std::map<std::string, std::string> conditions_of(const DjangoMigration& m) {
  std::map<std::string, std::string> out;
  for (const MigrationRef& ref : m.dependencies) {
    if (!ref.conditional()) continue;
    std::string& text = out[ref.app + "." + ref.name];
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", ref.condition_holds ? "if" : "unless", ref.condition);
  }
  return out;
}

// The condition of the dependency of node `child` on `parent_key` ("app.name"), or "".
std::string edge_condition(const Project& project, int child, const std::string& parent_key) {
  const Node& n = project.graph.nodes()[static_cast<std::size_t>(child)];
  const auto conditions = conditions_of(project.migrations[static_cast<std::size_t>(n.migration)]);
  auto it = conditions.find(parent_key);
  return it == conditions.end() ? "" : it->second;
}

// The nodes to draw: the selected apps' nodes plus their direct neighbours in other apps.
std::vector<int> drawn_nodes(const Project& project, const std::vector<std::string>& apps) {
  std::set<int> nodes;
  for (const std::string& app : apps) {
    for (int id : project.graph.ordered(app)) {
      nodes.insert(id);
      const Node& n = project.graph.nodes()[static_cast<std::size_t>(id)];
      nodes.insert(n.parents.begin(), n.parents.end());
      nodes.insert(n.children.begin(), n.children.end());
    }
  }
  return {nodes.begin(), nodes.end()};
}

// The drawn nodes grouped by app label.
std::map<std::string, std::vector<int>> clusters_of(const Project& project,
                                                    const std::vector<int>& drawn) {
  std::map<std::string, std::vector<int>> clusters;
  for (int id : drawn) {
    clusters[project.graph.nodes()[static_cast<std::size_t>(id)].app].push_back(id);
  }
  return clusters;
}

}  // namespace

std::string render_graph_text(const Project& project, const std::string& app) {
  const auto& nodes = project.graph.nodes();
  const auto externals = externals_by_migration(project);
  std::string out;
  for (const std::string& label : selected_apps(project, app)) {
    const std::vector<int> ordered = project.graph.ordered(label);
    const std::vector<int> leaves = project.graph.leaves(label);
    out += fmt::format(
        "{}  [{} migration{}, {}]\n", label, ordered.size(), ordered.size() == 1 ? "" : "s",
        leaves.size() == 1 ? "1 leaf" : fmt::format("{} leaves: divergent", leaves.size()));
    for (int id : ordered) {
      const Node& n = nodes[static_cast<std::size_t>(id)];
      const DjangoMigration& m = project.migrations[static_cast<std::size_t>(n.migration)];
      const std::map<std::string, std::string> conditions = conditions_of(m);
      auto condition = [&](const std::string& key, std::string_view also) {
        auto it = conditions.find(key);
        if (it == conditions.end()) return also.empty() ? "" : fmt::format(" ({})", also);
        return fmt::format(" ({}{})", also.empty() ? "" : fmt::format("{}, ", also), it->second);
      };
      std::vector<std::string> parents;
      for (int p : n.parents) {
        const Node& parent = nodes[static_cast<std::size_t>(p)];
        parents.push_back((parent.app == n.app ? parent.name : qualified(parent)) +
                          condition(qualified(parent), ""));
      }
      std::sort(parents.begin(), parents.end());
      if (auto it = externals.find(n.migration); it != externals.end()) {
        for (const std::string& e : it->second) parents.push_back(e + condition(e, "external"));
      }
      std::string line = "  " + n.name;
      if (!m.replaces.empty()) {
        std::vector<std::string> replaced;
        for (const MigrationRef& r : m.replaces) {
          replaced.push_back(r.app == n.app ? r.name : r.app + "." + r.name);
        }
        line += fmt::format("  (squashes {})", fmt::join(replaced, ", "));
      }
      if (!parents.empty()) line += fmt::format("  <- {}", fmt::join(parents, ", "));
      if (std::find(leaves.begin(), leaves.end(), id) != leaves.end()) line += "  *leaf";
      out += line + "\n";
    }
  }
  return out;
}

std::string render_graph_dot(const Project& project, const std::string& app) {
  const auto& nodes = project.graph.nodes();
  const std::vector<int> drawn = drawn_nodes(project, selected_apps(project, app));

  std::string out =
      "digraph migrations {\n  rankdir=TB;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (const auto& [label, ids] : clusters_of(project, drawn)) {
    const std::vector<int> leaves = project.graph.leaves(label);
    out += fmt::format("  subgraph {} {{\n    label={};\n", json_quote("cluster_" + label),
                       json_quote(label));
    for (int id : ids) {
      const Node& n = nodes[static_cast<std::size_t>(id)];
      const bool leaf = std::find(leaves.begin(), leaves.end(), id) != leaves.end();
      out += fmt::format("    {} [label={}{}];\n", json_quote(qualified(n)), json_quote(n.name),
                         leaf ? ", penwidth=2" : "");
    }
    out += "  }\n";
  }
  std::set<int> in(drawn.begin(), drawn.end());
  for (int id : drawn) {
    for (int child : nodes[static_cast<std::size_t>(id)].children) {
      if (in.count(child) == 0) continue;
      const std::string parent = qualified(nodes[static_cast<std::size_t>(id)]);
      const std::string condition = edge_condition(project, child, parent);
      out += fmt::format(
          "  {} -> {}{};\n", json_quote(parent),
          json_quote(qualified(nodes[static_cast<std::size_t>(child)])),
          condition.empty() ? "" : fmt::format(" [style=dashed, label={}]", json_quote(condition)));
    }
  }
  for (const ExternalDependency& e : project.graph.external_dependencies()) {
    const int id = project.graph.node_of(e.migration);
    if (id < 0 || in.count(id) == 0) continue;
    const std::string condition = edge_condition(project, id, e.app + "." + e.name);
    out += fmt::format("  {} [style=dashed];\n  {} -> {}{};\n", json_quote(e.app + "." + e.name),
                       json_quote(e.app + "." + e.name),
                       json_quote(qualified(nodes[static_cast<std::size_t>(id)])),
                       condition.empty() ? "" : fmt::format(" [label={}]", json_quote(condition)));
  }
  return out + "}\n";
}

std::string render_graph_mermaid(const Project& project, const std::string& app) {
  const auto& nodes = project.graph.nodes();
  const std::vector<int> drawn = drawn_nodes(project, selected_apps(project, app));
  auto quote = [](const std::string& s) {
    std::string q;
    for (char c : s) q += c == '"' ? std::string("#quot;") : std::string(1, c);
    return "\"" + q + "\"";
  };

  std::string out = "flowchart TD\n";
  int cluster = 0;
  for (const auto& [label, ids] : clusters_of(project, drawn)) {
    out += fmt::format("  subgraph app{}[{}]\n", cluster++, quote(label));
    for (int id : ids) {
      out += fmt::format("    n{}[{}]\n", id, quote(nodes[static_cast<std::size_t>(id)].name));
    }
    out += "  end\n";
  }
  std::set<int> in(drawn.begin(), drawn.end());
  for (int id : drawn) {
    for (int child : nodes[static_cast<std::size_t>(id)].children) {
      if (in.count(child) == 0) continue;
      const std::string condition =
          edge_condition(project, child, qualified(nodes[static_cast<std::size_t>(id)]));
      out += condition.empty() ? fmt::format("  n{} --> n{}\n", id, child)
                               : fmt::format("  n{} -. {} .-> n{}\n", id, quote(condition), child);
    }
  }
  std::map<std::string, int> external_ids;
  for (const ExternalDependency& e : project.graph.external_dependencies()) {
    const int id = project.graph.node_of(e.migration);
    if (id < 0 || in.count(id) == 0) continue;
    auto [it, added] =
        external_ids.emplace(e.app + "." + e.name, static_cast<int>(external_ids.size()));
    if (added) out += fmt::format("  x{}[{}]:::external\n", it->second, quote(it->first));
    const std::string condition = edge_condition(project, id, it->first);
    out += condition.empty()
               ? fmt::format("  x{} -.-> n{}\n", it->second, id)
               : fmt::format("  x{} -. {} .-> n{}\n", it->second, quote(condition), id);
  }
  if (!external_ids.empty()) out += "  classDef external stroke-dasharray: 4 4\n";
  return out;
}

}  // namespace migline::cli
