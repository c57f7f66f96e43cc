#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/python/python_expression.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// A keyword argument's value as migline can know it.
struct StaticValue {
  bool known = false;  // a literal: its value is `text` (names other than True/False/None are not)
  // The rendering, e.g. "True", "'orders'", "20", "settings.MAX"; empty when it has none. Two
  // equal renderings mean equal values even when not `known`: migrations run in one process.
  std::string text;

  bool operator==(const StaticValue& other) const {
    return known == other.known && text == other.text;
  }
  bool operator!=(const StaticValue& other) const { return !(*this == other); }
};

// A field as written in an operation: `models.CharField(max_length=20, null=True)`.
struct FieldDefinition {
  bool known = false;  // a call of a named class; false for `make_field()` results and the like
  std::string cls;     // the class, last component: "CharField"; empty when unknown
  std::string module;  // what precedes it: "models", "django_extensions.db.fields", "" if bare
  std::vector<FieldDefinition> base_field;    // ArrayField's `base_field` when it is a field call
  bool starred = false;                       // `**kwargs`: any absent argument is unknown
  std::map<std::string, StaticValue> kwargs;  // every keyword argument, literal or not

  // The value of `name`, `fallback` (known) when absent and nothing is starred.
  StaticValue get(std::string_view name, std::string_view fallback) const;
  // True for ManyToManyField, which has no column on the model's table.
  bool many_to_many() const { return cls == "ManyToManyField"; }
  // True for a column holding a foreign key: ForeignKey, OneToOneField and the subclasses whose
  // name says so (mptt's TreeForeignKey, modelcluster's ParentalKey).
  bool foreign_key() const;
};

// One SQL string of a RunSQL: a literal's value, or (known false) something else.
struct SqlText {
  bool known = false;
  std::string text;
  SourceSpan span;  // the literal (implicitly concatenated ones together), or the expression
};

// A uniqueness a table keeps: a UniqueConstraint, one unique_together entry, a unique field.
struct UniqueDefinition {
  bool known = false;               // its fields (and condition) could be read
  std::vector<std::string> fields;  // sorted field names
  std::string condition;            // the normalized `condition=Q(...)`; "" when none
  std::string name;                 // the constraint's name; "" for unique_together
};

// One operation of a migration, read statically, for the safety rules.
struct Operation {
  std::string type;  // the class called, last component: "AddField"
  SourceSpan span;   // the whole call
  int last_line = 0;
  std::string model;      // lowercase model name; for RenameModel the old one; empty: unknown
  std::string new_model;  // RenameModel: the new name, lowercase
  std::string field;      // AddField/AlterField/RemoveField/AddDefaultValue name, RenameField old
  std::string new_field;  // RenameField: the new name
  std::optional<FieldDefinition> definition;  // AddField/AlterField `field=`
  bool fields_known = false;                  // CreateModel: `fields` is a literal list
  std::vector<std::pair<std::string, FieldDefinition>> fields;  // CreateModel
  std::optional<StaticValue> db_table;  // AlterModelTable `table`, CreateModel options.db_table
  // AlterUniqueTogether, CreateModel options: each set of fields rendered, e.g. "('a', 'b')";
  // nullopt when it cannot be read.
  std::optional<std::vector<std::string>> unique_together = std::vector<std::string>{};
  std::string kind;  // AddIndex: the index class; AddConstraint: the constraint class
  std::string name;  // RemoveConstraint, RemoveIndex: the name removed
  std::optional<UniqueDefinition> unique;     // AddConstraint of a UniqueConstraint
  std::vector<UniqueDefinition> constraints;  // CreateModel options: its UniqueConstraints
  bool no_table = false;  // CreateModel options managed=False or proxy=True; AlterModelOptions
  std::optional<StaticValue> proxy_base;  // CreateModel of a proxy: its first `bases` entry
  std::optional<bool> managed;            // AlterModelOptions `managed`, when given as a literal
  bool reversible = false;  // RunPython `reverse_code`, RunSQL `reverse_sql` given (not None)
  std::vector<SqlText> sql, reverse_sql;       // RunSQL: each string, `(sql, params)` pair's first
  std::vector<Operation> database_operations;  // SeparateDatabaseAndState
  std::vector<Operation> state_operations;     // SeparateDatabaseAndState, RunSQL
  bool separate = false;                       // SeparateDatabaseAndState
  std::optional<PyExpr> stage;                 // syzygy's `stage=` keyword as written
};

// `# migline: allow RULE[, RULE] -- reason` on one line of a migration file.
struct AllowComment {
  int line = 0;
  SourceSpan span;  // the comment
  std::vector<std::string> rules;
  std::string reason;  // empty when none was given
};

// What the safety rules need from one migration file.
struct MigrationOperations {
  bool found = false;  // a literal `operations` list was read
  SourceSpan class_span;
  std::vector<Operation> operations;
  std::vector<AllowComment> allows;
  bool ignored = false;  // django-migration-linter's `IgnoreMigration()` is among the operations
  std::optional<bool> atomic = true;  // `atomic = ...` of the class; nullopt when not a literal
};

// Reads `operations` of the top-level `class Migration` of `source`, and the allow comments.
// Never fails: what cannot be read is unknown (empty names, `known` false).
MigrationOperations read_migration_operations(std::string_view path, std::string_view source);

}  // namespace migline
