#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace migline {

// The SQL a RunSQL runs, as far as the safety rules need it: which statement does what to
// which table. Only the statements below are told apart; everything else is `Other`.
enum class SqlActionKind {
  CreateTable,         // CREATE TABLE t
  DropTable,           // DROP TABLE t (one action per table named)
  RenameTable,         // ALTER TABLE t RENAME TO n; MySQL RENAME TABLE t TO n
  AddColumn,           // ALTER TABLE t ADD [COLUMN] c type ...
  DropColumn,          // ALTER TABLE t DROP [COLUMN] c
  RenameColumn,        // ALTER TABLE t RENAME [COLUMN] c TO n; MySQL CHANGE c n ...
  AlterColumnType,     // ALTER TABLE t ALTER [COLUMN] c [SET DATA] TYPE ...; MySQL MODIFY/CHANGE
  SetNotNull,          // ALTER TABLE t ALTER [COLUMN] c SET NOT NULL
  AddConstraint,       // ALTER TABLE t ADD [CONSTRAINT n] CHECK|UNIQUE|PRIMARY KEY|FOREIGN KEY|...
  ValidateConstraint,  // ALTER TABLE t VALIDATE CONSTRAINT n
  CreateIndex,         // CREATE [UNIQUE] INDEX [CONCURRENTLY] ... ON t
  DropIndex,           // DROP INDEX [CONCURRENTLY] i (one action per index named)
  Other,               // anything else (DML, functions, ALTER TABLE actions that relax)
};

// The kind of constraint an AddConstraint (or an AddColumn's column constraint) adds.
enum class SqlConstraintKind { None, Check, ForeignKey, Unique, PrimaryKey, Exclude };

// One thing one statement does; an ALTER TABLE with several actions gives several.
struct SqlAction {
  SqlActionKind kind = SqlActionKind::Other;
  std::size_t offset = 0;  // the statement's first byte in the text given to classify_sql()
  std::size_t length = 0;  // up to its last byte (the `;` excluded)
  // Identifiers as the database sees them: unquoted ones lowercased, quoted ones verbatim,
  // the schema dropped.
  std::string table;
  std::string column;           // AddColumn, DropColumn, RenameColumn, AlterColumnType, SetNotNull
  std::string new_name;         // RenameTable, RenameColumn
  std::string index;            // CreateIndex, DropIndex: the index name, when given
  std::string constraint_name;  // AddConstraint (when named), ValidateConstraint
  std::string new_type;         // AlterColumnType (PostgreSQL form): the type's first word
  std::string new_type_text;    // AlterColumnType: the whole type, e.g. "numeric(10, 2)"
  SqlConstraintKind constraint = SqlConstraintKind::None;  // AddConstraint, AddColumn
  bool unique = false;                                     // CreateIndex: UNIQUE
  bool concurrently = false;    // CreateIndex, DropIndex, REINDEX, DETACH PARTITION: CONCURRENTLY
  bool not_valid = false;       // AddConstraint: NOT VALID (nothing is checked now)
  bool using_index = false;     // AddConstraint: UNIQUE/PRIMARY KEY USING INDEX (already built)
  bool not_null = false;        // AddColumn: NOT NULL (or PRIMARY KEY)
  bool has_default = false;     // AddColumn: DEFAULT
  bool no_transaction = false;  // PostgreSQL refuses it inside a transaction block
};

// Which SQL the text is written for: quoting and comments differ.
enum class SqlDialect { PostgreSQL, MySQL, SQLite };

// Splits `sql` into statements (`;` outside strings, quoted identifiers, comments and
// dollar-quoted bodies) and classifies each. Never fails: what it cannot read is `Other`.
std::vector<SqlAction> classify_sql(std::string_view sql, SqlDialect dialect);

}  // namespace migline
