#pragma once

#include <string_view>
#include <vector>

#include "core/safety/safety_rules.hpp"

namespace migline {

// The signed integer field a Positive*Field adds a `>= 0` CHECK to (Django's backends'
// `data_type_check_constraints` on PostgreSQL, MySQL and SQLite), or "" for other classes.
std::string_view checked_class_base(std::string_view cls);

// AddField of a relation whose constraint the database creates (db_constraint not False), on a
// table that exists at the base: the lock-only `add-foreign-key` on PostgreSQL and MySQL.
void judge_added_foreign_key(const Operation& op, const OperationContext& context,
                             std::vector<SafetyFinding>& out);

// AlterField from `before` that creates a foreign key constraint (a plain column becoming a
// relation, db_constraint=False dropped) or a column CHECK (IntegerField -> PositiveIntegerField).
void judge_altered_constraints(const Operation& op, const FieldDefinition& before,
                               const OperationContext& context, std::vector<SafetyFinding>& out);

// AddConstraint of a CheckConstraint on a table that exists at the base: `add-check-constraint`.
void judge_added_check(const Operation& op, std::vector<SafetyFinding>& out);

// AddIndexConcurrently / RemoveIndexConcurrently in a migration that runs in a transaction
// (no `atomic = False`): `concurrent-index-in-atomic`, which PostgreSQL refuses at deploy time.
void judge_concurrent_index(const Operation& op, const OperationContext& context,
                            std::vector<SafetyFinding>& out);

}  // namespace migline
