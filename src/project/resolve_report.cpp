#include <fmt/format.h>

#include "project/resolve_planner.hpp"

namespace migline::resolving {

// Reports each side's migrations since the fork with their operations, and warns when both
// sides touch the same model.
void Planner::describe(const std::string& app, const std::vector<int>& leaves,
                       const DivergentSet* set) {
  const MigrationGraph& graph = snapshot_.project.graph;
  report_.push_back(
      fmt::format("{}: {} leaves; each side's migrations since they forked:", app, leaves.size()));
  std::map<std::string, std::set<int>> models;  // model -> leaves whose side touches it
  for (int leaf : leaves) {
    const bool moves = set != nullptr && set->kept != leaf;
    const std::string side = side_of(leaf);
    for (int n : moving_chain(graph, app, leaf, other_leaves(leaves, leaf))) {
      const DjangoMigration& m = migration_of(n);
      std::vector<std::string> ops;
      for (const MigrationOperation& op : m.operations) {
        ops.push_back(op.model.empty() ? op.type : op.type + " " + op.model);
        if (!op.model.empty()) models[op.model].insert(leaf);
      }
      report_.push_back(
          fmt::format("  {:<6} {:<8} {}{}",
                      set == nullptr ? "merges"
                      : moves        ? "moves"
                                     : "stays",
                      side.empty() ? "" : "(" + side + ")", m.name,
                      ops.empty() ? "" : ": " + fmt::format("{}", fmt::join(ops, ", "))));
    }
  }
  for (const auto& [model, touched_by] : models) {
    if (touched_by.size() < 2) continue;
    Diagnostic d =
        file_error("", fmt::format("both sides change model '{}.{}'", app, model),
                   "check that the migrations still apply, and mean the same, in their new order");
    d.severity = Severity::Warning;
    d.rule = "same-model";
    warnings_.push_back(std::move(d));
  }
}

// Tracked files that still mention a renamed migration: tests, fixtures, docs.
void Planner::warn_about_mentions(Resolution& out) const {
  if (renamed_names_.empty()) return;
  auto files = repo_->index_files([&](std::string_view path) {
    return (prefix_.empty() || path.rfind(prefix_ + "/", 0) == 0) && !is_relevant_path(path);
  });
  if (!files) return;
  for (const GitFile& f : *files) {
    if (out.before.count(f.path) != 0) continue;
    auto text = repo_->read_blob(f.id);
    if (!text || text->size() > (8u << 20) || text->find('\0') != std::string::npos) continue;
    for (const auto& [old_name, new_name] : renamed_names_) {
      const std::size_t at = text->find(old_name);
      if (at == std::string::npos) continue;
      Diagnostic d = error_at(f.path, *text, span_at(*text, at, old_name.size()),
                              fmt::format("still mentions {}, now {}", old_name, new_name),
                              "update it by hand if it refers to the migration");
      d.severity = Severity::Warning;
      d.rule = "stale-mention";
      out.warnings.push_back(std::move(d));
    }
  }
}

}  // namespace migline::resolving
