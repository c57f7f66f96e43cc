#include "project/deploy_plan.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/django/migration_operations.hpp"

namespace migline {
namespace {

using Node = MigrationGraph::Node;

bool key_less(const Node& a, const Node& b) {
  return a.app != b.app ? a.app < b.app : a.name < b.name;
}

// Django's `migrate` plan restricted to `wanted` nodes: `leaf_nodes()` (no child in the same
// app) sorted, and for each, `forwards_plan`: a depth-first walk that pushes the parents in
// sorted order and pops the last, appending each node after its ancestors. Nodes not wanted
// are applied already, and so are their ancestors: the walk stops there.
std::vector<int> migrate_order(const MigrationGraph& graph, const std::vector<bool>& wanted) {
  const std::vector<Node>& nodes = graph.nodes();
  std::vector<int> leaves;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!wanted[i]) continue;
    const bool leaf = std::none_of(nodes[i].children.begin(), nodes[i].children.end(), [&](int c) {
      const Node& child = nodes[static_cast<std::size_t>(c)];
      return !child.removed && child.app == nodes[i].app;
    });
    if (leaf) leaves.push_back(static_cast<int>(i));
  }
  auto by_key = [&](int a, int b) {
    return key_less(nodes[static_cast<std::size_t>(a)], nodes[static_cast<std::size_t>(b)]);
  };
  std::sort(leaves.begin(), leaves.end(), by_key);
  std::vector<int> order;
  std::vector<bool> visited(nodes.size(), false);
  for (int leaf : leaves) {
    std::vector<std::pair<int, bool>> stack{{leaf, false}};
    while (!stack.empty()) {
      const auto [id, processed] = stack.back();
      stack.pop_back();
      const std::size_t at = static_cast<std::size_t>(id);
      if (visited[at]) continue;
      if (processed) {
        visited[at] = true;
        order.push_back(id);
        continue;
      }
      stack.emplace_back(id, true);
      std::vector<int> parents;
      for (int p : nodes[at].parents) {
        if (wanted[static_cast<std::size_t>(p)]) parents.push_back(p);
      }
      std::sort(parents.begin(), parents.end(), by_key);
      for (int p : parents) stack.emplace_back(p, false);
    }
  }
  return order;
}

std::string label(const PlannedMigration& m) {
  return m.app + "." + m.name;
}

// What a code rollback finds gone once `ops` (a post-deploy migration's) ran.
void rollback_losses(const std::string& app, const std::vector<Operation>& ops,
                     std::vector<std::string>& out) {
  for (const Operation& op : ops) {
    if (op.separate) {
      rollback_losses(app, op.database_operations, out);
      continue;
    }
    const std::string model = op.model.empty() ? "?" : op.model;
    if (op.type == "RemoveField") {
      out.push_back(fmt::format("the column of `{}.{}.{}`", app, model, op.field));
    } else if (op.type == "DeleteModel") {
      out.push_back(fmt::format("the table of `{}.{}`", app, model));
    } else if (op.type == "RenameField") {
      out.push_back(
          fmt::format("the column of `{}.{}.{}` under its old name", app, model, op.field));
    } else if (op.type == "RenameModel" || op.type == "AlterModelTable") {
      out.push_back(fmt::format("the table of `{}.{}` under its old name", app, model));
    }
  }
}

class Planner {
 public:
  Planner(const Project& project, const FileSource& source) : project_(project), source_(source) {}

  DeployPlan run(const std::vector<std::string>& base_paths) {
    DeployPlan plan;
    plan.convention = project_.config.safety.stages;
    const MigrationGraph& graph = project_.graph;
    const std::vector<Node>& nodes = graph.nodes();
    std::vector<bool> wanted(nodes.size(), false);
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const Node& n = nodes[i];
      if (n.removed || n.migration < 0) continue;
      const std::string& path = project_.migrations[static_cast<std::size_t>(n.migration)].path;
      wanted[i] = !std::binary_search(base_paths.begin(), base_paths.end(), path);
    }
    std::map<int, std::size_t> planned;  // node -> index in plan.migrations
    for (int id : migrate_order(graph, wanted)) {
      const Node& n = nodes[static_cast<std::size_t>(id)];
      const DjangoMigration& m = project_.migrations[static_cast<std::size_t>(n.migration)];
      std::string& text = sources_[id];
      text = source_.read(m.path).value_or("");
      const MigrationOperations ops = read_migration_operations(m.path, text);
      const DeployMarks marks = read_deploy_marks(m.path, text, ops);
      PlannedMigration p;
      p.app = n.app;
      p.name = n.name;
      p.path = m.path;
      p.verdict = decide_deploy_stage(marks, ops, plan.convention);
      plan.findings.insert(plan.findings.end(), marks.unreadable.begin(), marks.unreadable.end());
      if (p.verdict.mixed) {
        Diagnostic d = error_at(m.path, text, p.verdict.mixed_span,
                                fmt::format("`{}`: {}; `migrate` cannot run it on one side of "
                                            "the deploy",
                                            label(p), *p.verdict.mixed),
                                "split it: a pre-deploy migration, and a post-deploy one that "
                                "depends on it");
        d.rule = "stage-mixed";
        plan.findings.push_back(std::move(d));
      }
      p.after_deploy = p.verdict.stage == DeployStage::PostDeploy && !p.verdict.either;
      // The first parent placed after the deploy: an `either` migration follows it there, a
      // pre-deploy one cannot.
      for (int parent : n.parents) {
        auto it = planned.find(parent);
        if (it == planned.end() || !plan.migrations[it->second].after_deploy) continue;
        const PlannedMigration& post = plan.migrations[it->second];
        if (p.after_deploy) break;
        if (p.verdict.either) {
          p.after_deploy = true;
          p.carried_by = label(post);
          break;
        }
        plan.findings.push_back(inversion(m, text, p, post));
        break;
      }
      if (p.verdict.stage == DeployStage::PostDeploy)
        rollback_losses(p.app, ops.operations, p.rollback);
      planned[id] = plan.migrations.size();
      plan.migrations.push_back(std::move(p));
    }
    // Informational: a post-deploy migration no other new migration follows can wait.
    for (const auto& [id, index] : planned) {
      const PlannedMigration& p = plan.migrations[index];
      if (!p.after_deploy || p.verdict.mixed) continue;
      const Node& n = nodes[static_cast<std::size_t>(id)];
      const bool followed = std::any_of(n.children.begin(), n.children.end(),
                                        [&](int c) { return planned.count(c) != 0; });
      if (followed) continue;
      const DjangoMigration& m = project_.migrations[static_cast<std::size_t>(n.migration)];
      Diagnostic d = error_at(
          m.path, sources_[id], m.class_span,
          fmt::format("`{}` runs after the deploy and nothing new depends on it: the new code "
                      "does not need it yet, so it can also wait for a later deploy",
                      label(p)),
          "run it once the new code is live everywhere and a rollback is no longer likely");
      d.severity = Severity::Note;
      d.rule = "post-deploy-deferrable";
      plan.findings.push_back(std::move(d));
    }
    sort_diagnostics(plan.findings);
    return plan;
  }

 private:
  Diagnostic inversion(const DjangoMigration& m, const std::string& text,
                       const PlannedMigration& pre, const PlannedMigration& post) const {
    // The edge is the post-deploy migration's `run_before` or this one's dependency.
    bool run_before = false;
    auto found = project_.graph.find(post.app, post.name);
    if (found) {
      const Node& pn = project_.graph.nodes()[static_cast<std::size_t>(*found)];
      const DjangoMigration& pm = project_.migrations[static_cast<std::size_t>(pn.migration)];
      run_before = std::any_of(
          pm.run_before.begin(), pm.run_before.end(),
          [&](const MigrationRef& r) { return r.app == pre.app && r.name == pre.name; });
    }
    const std::string edge = run_before ? fmt::format("`{}` lists it in `run_before`", label(post))
                                        : fmt::format("it depends on `{}`", label(post));
    const std::string post_why =
        post.carried_by.empty() ? post.verdict.why
                                : fmt::format("{}, after `{}`", post.verdict.why, post.carried_by);
    Diagnostic d = error_at(
        m.path, text, m.class_span,
        fmt::format("`{}` must run before the deploy ({}), but {}, which runs after it ({}): "
                    "`migrate` cannot apply the first without the second",
                    label(pre), pre.verdict.why, edge, post_why),
        run_before ? "drop the `run_before`, or mark this migration post-deploy too"
                   : "make it depend on what it needs from before the deploy only, or mark it "
                     "post-deploy too");
    d.rule = "stage-inversion";
    return d;
  }

  const Project& project_;
  const FileSource& source_;
  std::map<int, std::string> sources_;
};

}  // namespace

DeployPlan plan_deploy(const Project& project, const FileSource& source,
                       const std::vector<std::string>& base_paths) {
  return Planner(project, source).run(base_paths);
}

}  // namespace migline
