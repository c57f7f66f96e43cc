#pragma once

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/django/migration_operations.hpp"
#include "core/safety/column_types.hpp"
#include "core/safety/model_state.hpp"
#include "core/safety/sql_memory.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// One safety rule (an operation unsafe to deploy while the old code runs): its id, default
// severity and the safe sequence it teaches.
struct SafetyRule {
  std::string_view id;
  Severity severity;
  bool postgresql_only;
  std::string_view summary;  // what it flags, for tables and `--help`
  std::string_view safe;     // the safe sequence, given as the finding's hint
};

// Every safety rule, errors first.
const std::vector<SafetyRule>& safety_rules();

// The rule `id`, or nullptr.
const SafetyRule* find_safety_rule(std::string_view id);

// The database named `name` ("postgresql", "mysql", "sqlite"), or nullopt.
std::optional<SafetyDatabase> parse_safety_database(std::string_view name);

// One verdict about one operation, before opt-outs and severity changes.
struct SafetyFinding {
  std::string rule;
  Severity severity = Severity::Error;  // Note: the rule could not tell, and says why
  std::string message;
  SourceSpan span;
  int first_line = 0;  // the operation's lines, where opt-outs apply; 0: span.line
  int last_line = 0;
  // A field ("app", "model", "field") whose column must still be NOT NULL once every migration
  // of the branch ran for the finding to stand; empty: it always stands.
  std::optional<std::array<std::string, 3>> while_not_null;
};

// A finding of `rule` about the whole operation `op` (its span and lines).
SafetyFinding operation_finding(const Operation& op, std::string_view rule, std::string message,
                                Severity severity);

// The context of an operation of a migration new on the branch.
struct OperationContext {
  const std::string& app;
  const ProjectState& state;  // before the operation
  SafetyDatabase database;
  // (model, field) pairs given a database default in the same migration (AddDefaultValue).
  const std::set<std::pair<std::string, std::string>>& database_defaults;
  const SwappableSettings* settings = nullptr;  // resolves settings.AUTH_USER_MODEL & co.
  std::optional<bool> atomic = true;  // the migration's `atomic`; nullopt when not a literal
  std::string_view source = {};       // the migration's text, for findings inside SQL literals
  SqlMemory* sql = nullptr;           // what RunSQL made earlier on the branch
};

// Judges `op` (a database operation of a migration new on the branch) against the state before
// it; appends what it finds to `out`.
void judge_operation(const Operation& op, const OperationContext& context,
                     std::vector<SafetyFinding>& out);

}  // namespace migline
