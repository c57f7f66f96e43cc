#include "core/safety/sql_rules.hpp"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/python/string_offsets.hpp"
#include "core/safety/column_change.hpp"
#include "core/safety/column_types.hpp"
#include "core/safety/sql_statement.hpp"

namespace migline {
namespace {

// A type written in SQL as column_of() renders it: PostgreSQL's aliases (documentation,
// "Data Types", Table 8.1 "Aliases" column) and MySQL's synonyms mapped to one name.
std::string canonical_type(std::string type) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kAliases = {
      {"int8", "bigint"},
      {"int4", "integer"},
      {"int", "integer"},
      {"int2", "smallint"},
      {"serial8", "bigint"},
      {"bigserial", "bigint"},
      {"serial4", "integer"},
      {"serial", "integer"},
      {"character varying", "varchar"},
      {"decimal", "numeric"},
      {"timestamptz", "timestamp with time zone"},
      {"bool", "boolean"},
      {"float8", "double precision"},
      {"float4", "real"},
  };
  for (const auto& [alias, name] : kAliases) {
    if (type.compare(0, alias.size(), alias) != 0) continue;
    const char next = type.size() > alias.size() ? type[alias.size()] : '\0';
    if (next == '\0' || next == '(' || next == '[' || next == ' ') {
      return std::string(name) + type.substr(alias.size());
    }
  }
  return type;
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The table name a rendered db_table holds (`'shop_order'`), or "" when it is not a string.
std::string table_name_of(const StaticValue& v) {
  if (!v.known || v.text.size() < 2 || v.text.front() != '\'') return "";
  std::string out;
  for (std::size_t i = 1; i + 1 < v.text.size(); ++i) {
    if (v.text[i] == '\\' && i + 2 < v.text.size()) ++i;
    out += v.text[i];
  }
  return out;
}

SqlDialect dialect_of(SafetyDatabase database) {
  switch (database) {
    case SafetyDatabase::MySQL:
      return SqlDialect::MySQL;
    case SafetyDatabase::SQLite:
      return SqlDialect::SQLite;
    case SafetyDatabase::PostgreSQL:
      break;
  }
  return SqlDialect::PostgreSQL;
}

struct TableOwner {
  std::string model;  // "app.model"
  const ModelState* state = nullptr;
  bool deleted = false;  // in the state's deleted_models()
};

// The table of the model `key` ("app.model"), or "" when its db_table cannot be read.
std::string table_of(const std::string& key, const ModelState& model) {
  if (!model.db_table || model.db_table->text == "None") {
    const std::size_t dot = key.find('.');
    return key.substr(0, dot) + "_" + key.substr(dot + 1);
  }
  return table_name_of(*model.db_table);
}

// Whether the model's known fields make a column named `column` (db_column, the name, or the
// name and `_id` for a foreign key).
bool has_column(const ModelState& model, const std::string& column) {
  const std::string wanted = lowercase(column);
  for (const auto& [name, field] : model.fields) {
    const StaticValue db_column = field.get("db_column", "None");
    std::string made = name;
    if (!db_column.known) return true;  // cannot tell: assume it is this one
    if (db_column.text != "None") {
      made = table_name_of(db_column);
    } else if (field.foreign_key()) {
      made += "_id";
    }
    if (lowercase(made) == wanted) return true;
  }
  return false;
}

class SqlJudge {
 public:
  SqlJudge(const Operation& op, const OperationContext& context, std::vector<SafetyFinding>& out)
      : op_(op), c_(context), out_(out), pg_(context.database == SafetyDatabase::PostgreSQL) {
    for (const auto& [key, model] : context.state.deleted_models()) {
      const std::string table = table_of(key, model);
      if (!table.empty()) tables_[lowercase(table)] = TableOwner{key, &model, true};
    }
    for (const auto& [key, model] : context.state.models()) {
      const std::string table = table_of(key, model);
      if (!table.empty()) tables_[lowercase(table)] = TableOwner{key, &model, false};
    }
  }

  void run() {
    for (const SqlText& text : op_.sql) statements(text, false);
    for (const SqlText& text : op_.reverse_sql) statements(text, true);
  }

 private:
  void statements(const SqlText& text, bool reverse) {
    if (!text.known) {
      if (reverse) return;
      at_ = text.span;
      return emit("runsql-unreadable",
                  "RunSQL's SQL is not a string literal (a name, a call, a formatted string), so "
                  "migline cannot read its statements",
                  Severity::Note);
    }
    const std::vector<std::uint32_t> offsets =
        string_value_offsets(c_.source, text.span, text.text);
    for (const SqlAction& a : classify_sql(text.text, dialect_of(c_.database))) {
      if (offsets.empty() || a.offset + a.length > offsets.size() || a.length == 0) {
        at_ = text.span;
      } else {
        const std::uint32_t first = offsets[a.offset];
        const std::uint32_t last = offsets[a.offset + a.length - 1];
        at_ = span_at(c_.source, first, last >= first ? last - first + 1 : 1);
      }
      if (a.no_transaction) transaction(a, reverse);
      if (!reverse) judge(a);
    }
  }

  void transaction(const SqlAction& a, bool reverse) {
    if (!pg_) return;
    const std::string_view what = reverse ? "rolling this migration back" : "the deploy";
    if (!c_.atomic) {
      return emit("concurrent-index-in-atomic",
                  fmt::format("RunSQL runs a statement PostgreSQL refuses inside a transaction, "
                              "and the migration's `atomic` is not a literal, so migline cannot "
                              "tell whether {} fails",
                              what),
                  Severity::Note);
    }
    if (!*c_.atomic) return;
    fire("concurrent-index-in-atomic",
         fmt::format("RunSQL{} runs {}, which PostgreSQL refuses inside a transaction, and this "
                     "migration runs in one (it does not set `atomic = False`): {} fails here",
                     reverse ? "'s reverse_sql" : "",
                     a.concurrently ? "a statement with CONCURRENTLY" : "VACUUM", what));
  }

  // How to name `table` in a finding, or nullopt when the old code cannot be using what `a`
  // touches: a table created on the branch, one whose model the base already deleted from
  // Django's state, or a column the base already removed from it (the second step of a
  // two-release drop).
  std::optional<std::string> existing(const SqlAction& a) {
    const std::string key = lowercase(a.table);
    if (c_.sql != nullptr && c_.sql->tables.count(key) != 0) return std::nullopt;
    auto it = tables_.find(key);
    if (it == tables_.end()) {
      // `ALTER TABLE ... RENAME` also renames sequences (`<table>_<column>_seq`), which the
      // old code never names: Django's columns hold their sequence by OID.
      if (a.kind == SqlActionKind::RenameTable && key.size() > 4 &&
          key.compare(key.size() - 4, 4, "_seq") == 0) {
        return std::nullopt;
      }
      unowned_ = true;
      return fmt::format("`{}`", a.table);
    }
    const TableOwner& owner = it->second;
    if (owner.deleted ? !owner.state->deleted_on_branch : owner.state->created_on_branch) {
      return std::nullopt;
    }
    const bool gone_column =
        (a.kind == SqlActionKind::DropColumn || a.kind == SqlActionKind::RenameColumn) &&
        !owner.deleted && owner.state->fields_known && !has_column(*owner.state, a.column);
    if (gone_column) return std::nullopt;
    return fmt::format("`{}` (model `{}`)", a.table, owner.model);
  }

  void judge(const SqlAction& a) {
    const bool made_index =
        c_.sql != nullptr && !a.index.empty() && c_.sql->indexes.count(lowercase(a.index)) != 0;
    if (a.kind == SqlActionKind::CreateTable) {
      if (c_.sql != nullptr) c_.sql->tables.insert(lowercase(a.table));
      return;
    }
    if (a.kind == SqlActionKind::CreateIndex && c_.sql != nullptr && !a.index.empty()) {
      c_.sql->indexes.insert(lowercase(a.index));
    }
    if (a.kind == SqlActionKind::DropIndex) {
      if (made_index || !pg_ || a.concurrently) return;
      return fire("remove-index-locks",
                  fmt::format("RunSQL drops the index `{}` without CONCURRENTLY: PostgreSQL locks "
                              "its table against reads and writes while it waits",
                              a.index));
    }
    if (a.table.empty()) return;
    if (a.kind == SqlActionKind::RenameTable) {
      // Later statements of this RunSQL may name the table by its new name.
      auto it = tables_.find(lowercase(a.table));
      if (it != tables_.end()) tables_[lowercase(a.new_name)] = it->second;
    }
    unowned_ = false;
    const std::optional<std::string> table = existing(a);
    if (!table) return;
    const std::string column = fmt::format("`{}`", a.column);
    switch (a.kind) {
      case SqlActionKind::DropTable:
        return fire("delete-model",
                    fmt::format("RunSQL drops the table {}: the old code still queries it during "
                                "the deploy window and after a rollback",
                                *table));
      case SqlActionKind::RenameTable:
        return fire("alter-db-table",
                    fmt::format("RunSQL renames the table {} to `{}`: the old code still queries "
                                "the old name during the deploy window and after a rollback",
                                *table, a.new_name));
      case SqlActionKind::DropColumn:
        return fire("remove-field",
                    fmt::format("RunSQL drops the column {} of {}: the old code still selects it, "
                                "so it fails during the deploy window and after a rollback",
                                column, *table));
      case SqlActionKind::RenameColumn:
        return fire("rename-field",
                    fmt::format("RunSQL renames the column {} of {} to `{}`: the old code still "
                                "uses the old name during the deploy window and after a rollback",
                                column, *table, a.new_name));
      case SqlActionKind::AlterColumnType:
        if (const std::string old_type = type_of(a); !old_type.empty()) {
          const ColumnChange change =
              classify_type_change(old_type, canonical_type(a.new_type_text), c_.database);
          switch (change.kind) {
            case ChangeKind::None:
            case ChangeKind::Safe:
              return;
            case ChangeKind::Rewrite:
              return fire("alter-column-locks",
                          fmt::format("RunSQL changes the column {} of {}: {}, a change the old "
                                      "code survives, under an exclusive lock: {}; reads and "
                                      "writes of the table wait until it ends",
                                      column, *table, change.what, change.reason));
            case ChangeKind::Breaking:
              return fire("alter-column",
                          fmt::format("RunSQL changes the column {} of {}: {}, a change the old "
                                      "code breaks on: it may write values the new column "
                                      "rejects, and a rollback may not fit the data back",
                                      column, *table, change.what));
            case ChangeKind::Unknown:
              break;
          }
        }
        return fire("alter-column",
                    fmt::format("RunSQL changes the type of the column {} of {}: migline cannot "
                                "tell from SQL whether the new type only widens the old one, so "
                                "the old code may write values it rejects; most type changes also "
                                "rewrite the table under an ACCESS EXCLUSIVE lock",
                                column, *table));
      case SqlActionKind::SetNotNull:
        return fire("make-field-not-null",
                    fmt::format("RunSQL makes the column {} of {} NOT NULL: rows the old code "
                                "writes without it fail during the deploy window, and the ALTER "
                                "scans the table under an ACCESS EXCLUSIVE lock",
                                column, *table));
      case SqlActionKind::AddColumn:
        if (a.not_null && !a.has_default) {
          fire("add-not-null-field",
               fmt::format("RunSQL adds the column {} to {} as NOT NULL without a default: the "
                           "old code's INSERTs leave it out and fail during the deploy window",
                           column, *table));
        }
        if (a.constraint == SqlConstraintKind::ForeignKey) foreign_key(*table);
        return;
      case SqlActionKind::AddConstraint:
        return constraint(a, *table);
      case SqlActionKind::ValidateConstraint:
        return validate(a, *table);
      case SqlActionKind::CreateIndex:
        if (a.unique) {
          return fire("add-unique",
                      fmt::format("RunSQL creates a unique index on {}: rows the old code writes "
                                  "may violate it, and existing duplicates fail the migration",
                                  *table));
        }
        if (!pg_ || a.concurrently) return;
        return fire("add-index-locks",
                    fmt::format("RunSQL creates an index on {} without CONCURRENTLY: PostgreSQL "
                                "blocks writes to the table until it is built",
                                *table));
      default:
        return;
    }
  }

  void constraint(const SqlAction& a, const std::string& table) {
    if (a.using_index) return;  // the index is already built
    if (a.not_valid) {
      // Nothing is checked now, unless VALIDATE follows in the same transaction.
      if (c_.sql != nullptr && c_.atomic.value_or(false) && !a.constraint_name.empty()) {
        c_.sql->not_valid[lowercase(a.table + "." + a.constraint_name)] =
            a.constraint == SqlConstraintKind::Check ? "add-check-constraint" : "add-foreign-key";
      }
      return;
    }
    switch (a.constraint) {
      case SqlConstraintKind::Check:
        return fire("add-check-constraint",
                    fmt::format("RunSQL adds a CHECK constraint to {} without NOT VALID: rows the "
                                "old code writes may violate it, and the database checks every "
                                "existing row while holding a lock that blocks writes",
                                table));
      case SqlConstraintKind::ForeignKey:
        return foreign_key(table);
      case SqlConstraintKind::Unique:
      case SqlConstraintKind::PrimaryKey:
      case SqlConstraintKind::Exclude:
        return fire("add-unique",
                    fmt::format("RunSQL adds a unique, primary key or exclusion constraint to {}: "
                                "rows the old code writes may violate it, and building its index "
                                "locks the table",
                                table));
      case SqlConstraintKind::None:
        return;
    }
  }

  // The field of the model that owns `a`'s table whose column `a` names, or nullptr.
  const FieldDefinition* field_of(const SqlAction& a) const {
    auto it = tables_.find(lowercase(a.table));
    if (it == tables_.end() || it->second.deleted) return nullptr;
    for (const auto& [name, field] : it->second.state->fields) {
      const StaticValue db_column = field.get("db_column", "None");
      const std::string made = db_column.known && db_column.text != "None"
                                   ? table_name_of(db_column)
                                   : name + (field.foreign_key() ? "_id" : "");
      if (field.known && lowercase(made) == lowercase(a.column)) return &field;
    }
    return nullptr;
  }

  // The column type the replayed state gives the column `a` names, or "" when unknown.
  std::string type_of(const SqlAction& a) const {
    const FieldDefinition* field = field_of(a);
    if (field == nullptr) return {};
    static const SwappableSettings kNone;
    const std::string& owner = tables_.at(lowercase(a.table)).model;
    const std::string app = owner.substr(0, owner.find('.'));
    ColumnContext context{c_.database, app, c_.settings != nullptr ? *c_.settings : kNone, {}};
    return column_of(*field, context).type;
  }

  // VALIDATE CONSTRAINT alone takes SHARE UPDATE EXCLUSIVE (writes go on); in the transaction
  // that added the constraint NOT VALID, the ADD's lock is still held while it scans.
  void validate(const SqlAction& a, const std::string& table) {
    if (c_.sql == nullptr) return;
    auto it = c_.sql->not_valid.find(lowercase(a.table + "." + a.constraint_name));
    if (it == c_.sql->not_valid.end()) return;
    if (c_.database == SafetyDatabase::SQLite && it->second == "add-foreign-key") return;
    fire(it->second,
         fmt::format("RunSQL validates `{}` on {} in the transaction that added it NOT VALID: the "
                     "lock the ADD took is held while every row is checked, as if NOT VALID had "
                     "not been written",
                     a.constraint_name, table));
  }

  void foreign_key(const std::string& table) {
    if (c_.database == SafetyDatabase::SQLite) return;
    fire("add-foreign-key",
         fmt::format("RunSQL adds a foreign key to {} without NOT VALID: {}", table,
                     c_.database == SafetyDatabase::MySQL
                         ? "MySQL copies the table to add it, blocking writes until it is done"
                         : "PostgreSQL checks every row while holding a SHARE ROW EXCLUSIVE "
                           "lock on both tables, blocking writes to each"));
  }

  // A table no replayed model owns (a third-party app's, a sequence, a model whose db_table
  // migline did not replay) may or may not be used by the old code: a note says so.
  void fire(std::string_view rule, std::string message) {
    if (unowned_) {
      return emit(rule,
                  message +
                      "; but no model migline replayed owns that table (another app's, a "
                      "sequence, a custom db_table), so it cannot tell whether the old "
                      "code uses it",
                  Severity::Note);
    }
    emit(rule, std::move(message), find_safety_rule(rule)->severity);
  }

  void emit(std::string_view rule, std::string message, Severity severity) {
    SafetyFinding f;
    f.rule = std::string(rule);
    f.severity = severity;
    f.message = std::move(message);
    f.span = at_;
    f.first_line = op_.span.line;
    f.last_line = op_.last_line;
    out_.push_back(std::move(f));
  }

  const Operation& op_;
  const OperationContext& c_;
  std::vector<SafetyFinding>& out_;
  const bool pg_;
  std::map<std::string, TableOwner> tables_;  // lowercase table name
  SourceSpan at_;
  bool unowned_ = false;  // the statement judged names a table no replayed model owns
};

}  // namespace

void judge_run_sql(const Operation& op, const OperationContext& context,
                   std::vector<SafetyFinding>& out) {
  SqlJudge(op, context, out).run();
}

}  // namespace migline
