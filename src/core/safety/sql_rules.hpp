#pragma once

#include <vector>

#include "core/safety/safety_rules.hpp"

namespace migline {

// Judges the SQL of `op`, a RunSQL of a migration new on the branch: each statement that
// sql_statement tells apart goes through the rule the matching operation would (DROP COLUMN:
// `remove-field`, ALTER COLUMN ... TYPE: `alter-column`, ...) when its table exists at the base
// (no CreateModel on the branch, no CREATE TABLE earlier on the branch; tables are mapped to
// models through the state's db_table or Django's `<app_label>_<model>`), and each finding
// points at the statement inside the literal. A statement PostgreSQL refuses inside a
// transaction (CONCURRENTLY) in an atomic migration is `concurrent-index-in-atomic`, for
// `sql` and `reverse_sql` alike. SQL that is not a literal is a `runsql-unreadable` note.
void judge_run_sql(const Operation& op, const OperationContext& context,
                   std::vector<SafetyFinding>& out);

}  // namespace migline
