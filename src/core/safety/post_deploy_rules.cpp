#include "core/safety/post_deploy_rules.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace migline {
namespace {

// What a post-deploy migration is for: the old code is gone, nothing still reads these.
bool intended_after_deploy(std::string_view rule) {
  return rule == "remove-field" || rule == "delete-model" || rule == "make-field-not-null" ||
         rule == "add-not-null-field";
}

SafetyFinding make(const Operation& op, std::string_view rule, std::string message) {
  SafetyFinding f;
  f.rule = std::string(rule);
  f.severity = find_safety_rule(rule)->severity;
  f.message = std::move(message);
  f.span = op.span;
  f.last_line = op.last_line;
  return f;
}

void judge_new_code(const Operation& op, const OperationContext& c,
                    std::vector<SafetyFinding>& out) {
  if (op.separate) {
    for (const Operation& inner : op.database_operations) judge_new_code(inner, c, out);
    return;
  }
  if (op.model.empty()) return;
  const ModelState* model = c.state.model(c.app, op.model);
  if (model != nullptr && model->created_on_branch) return;
  if (op.type == "AddField" && op.definition && !op.definition->many_to_many()) {
    out.push_back(make(
        op, "post-deploy-add-field",
        fmt::format("AddField in a post-deploy migration: the new code selects `{}.{}` from the "
                    "deploy on, and the column exists only once this migration ran",
                    op.model, op.field)));
    return;
  }
  if (op.type != "RemoveField") return;
  const FieldDefinition* field = c.state.field(c.app, op.model, op.field);
  if (field == nullptr || !field->known || field->many_to_many()) return;
  const StaticValue null = field->get("null", "False");
  const bool has_default = field->kwargs.count("db_default") != 0 ||
                           c.database_defaults.count({op.model, op.field}) != 0;
  if (!null.known || null.text != "False" || has_default ||
      field->get("primary_key", "False").text == "True") {
    return;
  }
  out.push_back(make(
      op, "post-deploy-remove-not-null",
      fmt::format("RemoveField drops `{}.{}` after the deploy, but it is NOT NULL without a "
                  "database default: the new code no longer writes it, so its INSERTs fail from "
                  "the deploy until this migration ran; after it, a code rollback fails on the "
                  "dropped column",
                  op.model, op.field)));
}

}  // namespace

void judge_after_deploy(const Operation& op, const OperationContext& context,
                        std::vector<SafetyFinding>& findings, std::size_t first) {
  findings.erase(
      std::remove_if(findings.begin() + static_cast<std::ptrdiff_t>(first), findings.end(),
                     [](const SafetyFinding& f) {
                       return f.severity != Severity::Note && intended_after_deploy(f.rule);
                     }),
      findings.end());
  judge_new_code(op, context, findings);
}

}  // namespace migline
