#include "core/safety/safety_replay.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/safety/model_state.hpp"
#include "core/safety/post_deploy_rules.hpp"

namespace migline {
namespace {

using DatabaseDefaults = std::set<std::pair<std::string, std::string>>;

void collect_defaults(const std::vector<Operation>& ops, DatabaseDefaults& out) {
  for (const Operation& op : ops) {
    if (op.type == "AddDefaultValue") out.emplace(op.model, op.field);
    collect_defaults(op.database_operations, out);
  }
}

// Judges `op` and, inside SeparateDatabaseAndState, only its database operations.
void judge_database_side(const Operation& op, const OperationContext& context,
                         std::vector<SafetyFinding>& out) {
  if (op.separate) {
    for (const Operation& inner : op.database_operations) judge_database_side(inner, context, out);
    return;
  }
  judge_operation(op, context, out);
}

bool allows(const AllowComment& allow, std::string_view rule) {
  return std::find(allow.rules.begin(), allow.rules.end(), rule) != allow.rules.end();
}

void report_allow_comments(const ReplayedMigration& m, Diagnostics& out) {
  for (const AllowComment& allow : m.operations->allows) {
    auto warn = [&](std::string rule, std::string message, std::string hint) {
      Diagnostic d = error_at(m.path, m.source, allow.span, std::move(message), std::move(hint));
      d.severity = Severity::Warning;
      d.rule = std::move(rule);
      out.push_back(std::move(d));
    };
    if (allow.rules.empty()) {
      warn("allow-unknown-rule", "`# migline: allow` names no rule",
           "name the rule it silences: `# migline: allow remove-field -- why`");
      continue;
    }
    for (const std::string& rule : allow.rules) {
      if (find_safety_rule(rule) == nullptr) {
        warn("allow-unknown-rule",
             fmt::format("`# migline: allow` names an unknown rule '{}'", rule),
             "the rules are listed in the README (`migline check --base` prints their ids)");
      }
    }
    if (allow.reason.empty()) {
      warn("allow-without-reason",
           fmt::format("`# migline: allow {}` gives no reason", fmt::join(allow.rules, ", ")),
           fmt::format("say why after ` -- `: `# migline: allow {} -- dropped after release 41`",
                       allow.rules.front()));
    }
  }
}

bool silenced(const ReplayedMigration& m, const SafetyFinding& f) {
  for (const AllowComment& allow : m.operations->allows) {
    const int first_line = f.first_line != 0 ? f.first_line : f.span.line;
    const bool on_operation = allow.line >= first_line && allow.line <= f.last_line;
    const bool on_class = allow.line == m.operations->class_span.line;
    if ((on_operation || on_class) && allows(allow, f.rule)) return true;
  }
  return false;
}

Diagnostic to_diagnostic(const ReplayedMigration& m, const SafetyFinding& f,
                         const SafetyOptions& options) {
  const SafetyRule* rule = find_safety_rule(f.rule);
  std::string hint = "check it by hand";
  if (rule != nullptr && f.severity != Severity::Note) {
    hint = std::string(rule->safe);
  } else if (rule != nullptr) {
    hint +=
        fmt::format("; `# migline: allow {} -- why` on the operation records the verdict", f.rule);
  }
  Diagnostic d = error_at(m.path, m.source, f.span, f.message, std::move(hint));
  d.severity = f.severity;
  if (d.severity == Severity::Error && options.warn.count(f.rule) != 0) {
    d.severity = Severity::Warning;
  }
  d.rule = f.rule;
  return d;
}

}  // namespace

Diagnostics judge_migrations(const std::vector<ReplayedMigration>& migrations,
                             const SafetyOptions& options) {
  Diagnostics out;
  ProjectState state;
  SqlMemory sql;  // what RunSQL made on the branch
  std::vector<std::pair<std::size_t, std::array<std::string, 3>>> pending;  // while_not_null
  for (const ReplayedMigration& m : migrations) {
    const MigrationOperations& ops = *m.operations;
    const bool judged = m.on_branch && !ops.ignored;
    DatabaseDefaults defaults;
    if (judged) {
      collect_defaults(ops.operations, defaults);
      report_allow_comments(m, out);
    }
    std::vector<SafetyFinding> findings;
    sql.not_valid.clear();  // one migration, one transaction
    if (judged && !ops.found) {
      Diagnostic d = error_at(m.path, m.source, ops.class_span,
                              "migline cannot read `operations` as a literal list, so no safety "
                              "rule judged this migration",
                              "check it by hand");
      d.severity = Severity::Note;
      d.rule = "operations-unreadable";
      out.push_back(std::move(d));
    }
    for (const Operation& op : ops.operations) {
      if (judged && op.type.empty()) {
        SafetyFinding f;
        f.rule = "operations-unreadable";
        f.severity = Severity::Note;
        f.message = "this operation is not a call migline can read, so no safety rule judged it";
        f.span = op.span;
        f.last_line = op.last_line;
        findings.push_back(std::move(f));
      }
      if (judged) {
        const OperationContext context{
            m.app,    state, options.database, defaults, &options.settings, ops.atomic,
            m.source, &sql};
        const std::size_t first = findings.size();
        judge_database_side(op, context, findings);
        if (m.post_deploy) judge_after_deploy(op, context, findings, first);
      }
      state.apply(m.app, op, m.on_branch);
    }
    for (const SafetyFinding& f : findings) {
      if (options.off.count(f.rule) != 0 || silenced(m, f)) continue;
      if (f.while_not_null) pending.emplace_back(out.size(), *f.while_not_null);
      out.push_back(to_diagnostic(m, f, options));
    }
  }
  // Each finding that needs its column NOT NULL at the end of the branch, checked now.
  std::vector<bool> gone(out.size(), false);
  for (const auto& [at, field] : pending) {
    const FieldDefinition* f = state.current_field(field[0], field[1], field[2]);
    gone[at] = f == nullptr || f->get("null", "False").text != "False";
  }
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (gone[i]) continue;
    if (kept != i) out[kept] = std::move(out[i]);
    ++kept;
  }
  out.resize(kept);
  return out;
}

}  // namespace migline
