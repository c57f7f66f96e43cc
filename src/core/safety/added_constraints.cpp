#include "core/safety/added_constraints.hpp"

#include <fmt/format.h>

namespace migline {
namespace {

void emit(const Operation& op, std::string_view rule, std::string message, Severity severity,
          std::vector<SafetyFinding>& out) {
  out.push_back(operation_finding(op, rule, std::move(message), severity));
}

void fire(const Operation& op, std::string_view rule, std::string message,
          std::vector<SafetyFinding>& out) {
  emit(op, rule, std::move(message), find_safety_rule(rule)->severity, out);
}

// What the database does to add a foreign key to an existing table, said once for AddField and
// AlterField. Sources: PostgreSQL's ALTER TABLE reference (ADD FOREIGN KEY takes SHARE ROW
// EXCLUSIVE on both tables and scans the table; CREATE INDEX without CONCURRENTLY blocks
// writes); MySQL's "Online DDL Operations" (a foreign key is added with ALGORITHM=COPY unless
// foreign_key_checks is off).
std::string foreign_key_cost(SafetyDatabase database, std::string_view model, std::string_view to,
                             bool indexed) {
  if (database == SafetyDatabase::MySQL) {
    return fmt::format(
        "MySQL copies the table `{}` to add the constraint to {}, blocking writes "
        "until it is done",
        model, to);
  }
  return fmt::format(
      "PostgreSQL validates the constraint by scanning `{}` while holding a SHARE "
      "ROW EXCLUSIVE lock on it and on {}, blocking writes to both{}",
      model, to,
      indexed ? ", then builds its index without CONCURRENTLY, blocking writes "
                "to the table again"
              : "");
}

std::string target_of(const FieldDefinition& f) {
  const StaticValue to = f.get("to", "");
  return to.text.empty() ? std::string("the referenced table")
                         : fmt::format("the table of {}", to.text);
}

}  // namespace

std::string_view checked_class_base(std::string_view cls) {
  if (cls == "PositiveIntegerField") return "IntegerField";
  if (cls == "PositiveSmallIntegerField") return "SmallIntegerField";
  if (cls == "PositiveBigIntegerField") return "BigIntegerField";
  return "";
}

void judge_added_foreign_key(const Operation& op, const OperationContext& context,
                             std::vector<SafetyFinding>& out) {
  const FieldDefinition& f = *op.definition;
  if (!f.foreign_key() || context.database == SafetyDatabase::SQLite) return;
  const StaticValue constraint = f.get("db_constraint", "True");
  const std::string column = fmt::format("`{}.{}`", op.model, op.field);
  if (!constraint.known) {
    return emit(op, "add-foreign-key",
                fmt::format("`db_constraint` of {} is not a literal, so migline cannot tell "
                            "whether AddField creates a foreign key constraint",
                            column),
                Severity::Note, out);
  }
  if (constraint.text == "False") return;
  const bool indexed = f.get("db_index", "True").text != "False";
  fire(op, "add-foreign-key",
       fmt::format("AddField adds {} as a foreign key to a table that exists at the base: {}",
                   column, foreign_key_cost(context.database, op.model, target_of(f), indexed)),
       out);
}

void judge_altered_constraints(const Operation& op, const FieldDefinition& before,
                               const OperationContext& context, std::vector<SafetyFinding>& out) {
  const FieldDefinition& now = *op.definition;
  const std::string column = fmt::format("`{}.{}`", op.model, op.field);
  const std::string_view base = checked_class_base(now.cls);
  // From a plain integer, where negative values are plausible; other classes (a relation
  // becoming an id, a CharField) are alter-column's business.
  if (!base.empty() && (before.cls == "IntegerField" || before.cls == "SmallIntegerField" ||
                        before.cls == "BigIntegerField")) {
    fire(op, "add-check-constraint",
         fmt::format("AlterField makes {} a {}, which adds a CHECK (`{} >= 0`) to a table that "
                     "exists at the base: rows the old code writes with a negative value fail, "
                     "and the database checks every existing row while holding a lock that "
                     "blocks writes",
                     column, now.cls, op.field),
         out);
  }
  if (!now.foreign_key() || context.database == SafetyDatabase::SQLite) return;
  const StaticValue had =
      before.foreign_key() ? before.get("db_constraint", "True") : StaticValue{true, "False"};
  const StaticValue has = now.get("db_constraint", "True");
  if (!had.known || !has.known) {
    if (!had.text.empty() && had.text == has.text) return;  // the same expression in both
    return emit(op, "add-foreign-key",
                fmt::format("`db_constraint` of {} is not a literal, so migline cannot tell "
                            "whether AlterField creates a foreign key constraint",
                            column),
                Severity::Note, out);
  }
  if (had.text != "False" || has.text == "False") return;
  fire(op, "add-foreign-key",
       fmt::format("AlterField creates the foreign key constraint of {} on a table that exists "
                   "at the base: {}",
                   column, foreign_key_cost(context.database, op.model, target_of(now), false)),
       out);
}

void judge_added_check(const Operation& op, std::vector<SafetyFinding>& out) {
  fire(op, "add-check-constraint",
       fmt::format("AddConstraint adds a CheckConstraint to `{}`, a table that exists at the "
                   "base: rows the old code writes may violate it, existing rows that do fail the "
                   "migration, and the database checks every row while holding a lock that "
                   "blocks writes",
                   op.model),
       out);
}

void judge_concurrent_index(const Operation& op, const OperationContext& context,
                            std::vector<SafetyFinding>& out) {
  if (context.database != SafetyDatabase::PostgreSQL) return;
  if (!context.atomic) {
    return emit(op, "concurrent-index-in-atomic",
                fmt::format("the migration's `atomic` is not a literal, so migline cannot tell "
                            "whether {} runs inside a transaction",
                            op.type),
                Severity::Note, out);
  }
  if (!*context.atomic) return;
  fire(op, "concurrent-index-in-atomic",
       fmt::format("{} runs CONCURRENTLY, which PostgreSQL refuses inside a transaction, and this "
                   "migration runs in one (it does not set `atomic = False`): the deploy fails "
                   "here",
                   op.type),
       out);
}

}  // namespace migline
