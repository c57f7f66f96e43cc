#pragma once

#include <string>
#include <string_view>

#include "core/safety/column_types.hpp"

namespace migline {

// The three kinds of column change, and "nothing the database keeps changed".
enum class ChangeKind {
  None,      // the same column
  Safe,      // catalog-only or relaxing on that database: never flagged
  Rewrite,   // the table is rewritten (or copied) under a lock; the old code survives it
  Breaking,  // the old code may write values the new column rejects, or read what it lacks
  Unknown,   // migline cannot type one side: a note
};

// What one AlterField does to a column, and why.
struct ColumnChange {
  ChangeKind kind = ChangeKind::None;
  std::string what;    // e.g. "varchar(100) -> varchar(50)", "db_column", "the foreign key target"
  std::string reason;  // the database fact behind the kind, with its source
};

// Classifies a change of column type `from` -> `to` on `database` (types as column_of()
// renders them) from the table in column_change.cpp.
ColumnChange classify_type_change(std::string_view from, std::string_view to,
                                  SafetyDatabase database);

// Classifies the change of a whole column (type, CHECK, foreign key, name) from `before` to
// `after`; NULL, unique and indexes have their own rules and are not looked at here.
ColumnChange classify_column_change(const Column& before, const Column& after,
                                    SafetyDatabase database);

}  // namespace migline
