#include "core/safety/safety_rules.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/safety/added_constraints.hpp"
#include "core/safety/column_change.hpp"
#include "core/safety/sql_rules.hpp"

namespace migline {
namespace {

std::string_view default_of(std::string_view attribute, const FieldDefinition& field) {
  if (attribute == "null" || attribute == "unique" || attribute == "primary_key") return "False";
  if (attribute == "db_index") {
    return field.cls == "ForeignKey" || field.cls == "OneToOneField" ? "True" : "False";
  }
  return "";  // absent
}

class Judge {
 public:
  Judge(const Operation& op, const OperationContext& context, std::vector<SafetyFinding>& out)
      : op_(op), c_(context), out_(out) {}

  void run() {
    const std::string& t = op_.type;
    if (t == "RunPython" || t == "RunSQL") {
      if (!op_.reversible) {
        fire(t == "RunPython" ? "runpython-irreversible" : "runsql-irreversible",
             fmt::format("{} has no {}: this migration cannot be unapplied, so rolling the "
                         "release back stops here",
                         t, t == "RunPython" ? "reverse_code" : "reverse_sql"));
      }
      if (t == "RunSQL") judge_run_sql(op_, c_, out_);
      return;
    }
    if (t == "AddIndexConcurrently" || t == "RemoveIndexConcurrently") {
      return judge_concurrent_index(op_, c_, out_);
    }
    // Each judged operation and the rule that speaks when its model cannot be read.
    static const std::map<std::string_view, std::string_view> kJudged = {
        {"AddField", "add-not-null-field"},    {"AlterField", "alter-column"},
        {"RemoveField", "remove-field"},       {"RenameField", "rename-field"},
        {"DeleteModel", "delete-model"},       {"RenameModel", "rename-model"},
        {"AlterModelTable", "alter-db-table"}, {"AlterUniqueTogether", "add-unique"},
        {"AddConstraint", "add-unique"},       {"AddIndex", "add-index-locks"},
        {"RemoveIndex", "remove-index-locks"}};
    const auto judged = kJudged.find(t);
    if (judged == kJudged.end()) return;
    if (op_.model.empty()) {
      note(judged->second,
           fmt::format("{} names its model with something other than a literal, so migline "
                       "cannot judge it",
                       t));
      return;
    }
    model_ = c_.state.model(c_.app, op_.model);
    // A table created on the branch has no old code reading it.
    if (model_ != nullptr && model_->created_on_branch) return;
    // managed = False and proxy models have no table of their own: Django emits no SQL.
    if (model_ != nullptr && model_->no_table) return;
    // A field the branch added is unknown to the old code: renaming, dropping or altering it
    // breaks nothing the old code does.
    if (model_ != nullptr && !op_.field.empty() && model_->branch_fields.count(op_.field) != 0 &&
        t != "AddField") {
      if (t == "AlterField") not_null_after_branch_add();
      return;
    }
    // A field the base's database already has (e.g. a published migration the branch edited
    // away, re-added here): the AddField changes nothing the old code sees.
    if (t == "AddField" && model_ != nullptr && model_->fields.count(op_.field) != 0) return;
    if (t == "AddField") return add_field();
    if (t == "AlterField") return alter_field();
    if (t == "RemoveField") {
      const FieldDefinition* gone = c_.state.field(c_.app, op_.model, op_.field);
      if (gone != nullptr && !column(*gone).exists && !join_table(*gone)) return;
      return fire("remove-field",
                  fmt::format("RemoveField drops the column of `{}.{}`: the old code still "
                              "selects it, so it fails during the deploy window and after a "
                              "rollback",
                              op_.model, op_.field));
    }
    if (t == "RenameField") return rename_field();
    if (t == "DeleteModel") {
      return fire("delete-model",
                  fmt::format("DeleteModel drops the table of `{}`: the old code still queries "
                              "it during the deploy window and after a rollback",
                              op_.model));
    }
    if (t == "RenameModel") return rename_model();
    if (t == "AlterModelTable") return alter_table();
    if (t == "AlterUniqueTogether") return unique_together();
    if (t == "AddConstraint") {
      if (op_.unique && op_.unique->known && already_unique(*op_.unique)) {
        return unique_not_new(fmt::format("the UniqueConstraint on {}", fields_of(*op_.unique)));
      }
      if (op_.kind == "UniqueConstraint") {
        fire("add-unique", fmt::format("AddConstraint adds a UniqueConstraint to `{}`, a table "
                                       "that exists at the base: rows the old code writes may "
                                       "violate it, and existing duplicates fail the migration",
                                       op_.model));
      } else if (op_.kind == "CheckConstraint") {
        if (!check_on_new_nullable_columns()) judge_added_check(op_, out_);
      } else if (op_.kind.empty()) {
        note("add-unique",
             "AddConstraint's constraint is not a literal call, so migline cannot tell "
             "whether it is unique");
      }
      return;
    }
    if (c_.database != SafetyDatabase::PostgreSQL) return;
    if (t == "AddIndex") {
      fire("add-index-locks",
           fmt::format("AddIndex builds an index on `{}` without CONCURRENTLY: PostgreSQL "
                       "blocks writes to the table until it is built",
                       op_.model));
    } else {
      fire("remove-index-locks",
           fmt::format("RemoveIndex drops an index of `{}` without CONCURRENTLY: PostgreSQL "
                       "locks the table against reads and writes while it waits",
                       op_.model));
    }
  }

 private:
  void fire(std::string_view rule, std::string message) {
    out_.push_back(
        operation_finding(op_, rule, std::move(message), find_safety_rule(rule)->severity));
  }
  void note(std::string_view rule, std::string message) {
    out_.push_back(operation_finding(op_, rule, std::move(message), Severity::Note));
  }

  std::string column() const { return fmt::format("`{}.{}`", op_.model, op_.field); }

  // The column `f` makes on the database judged for.
  Column column(const FieldDefinition& f) const {
    static const SwappableSettings kNone;
    const ProjectState& state = c_.state;
    const std::string& app = c_.app;
    const SafetyDatabase database = c_.database;
    ColumnContext context{database, app, c_.settings != nullptr ? *c_.settings : kNone,
                          [&state, database](const std::string& model) -> std::string {
                            return key_type(state, model, database);
                          }};
    Column out = column_of(f, context);
    if (out.references == "self") out.references = c_.app + "." + op_.model;
    // A reference written before a RenameModel names the model by its old name.
    // A proxy's rows are in its concrete model's table: the constraint names that table.
    if (!out.references.empty()) {
      out.references = state.concrete_name(out.references);
      if (out.type.empty()) out.signature = "references " + out.references;
    }
    return out;
  }

  // The name of the column `f` (the field `op_.field`) makes, as a literal's text or a bare
  // name; unknown when its db_column is not a literal.
  StaticValue column_name(const FieldDefinition& f) const {
    const StaticValue db_column = f.get("db_column", "None");
    if (!db_column.known) return db_column;
    const std::string& text = db_column.text;
    if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
        text.back() == text.front()) {
      return {true, text.substr(1, text.size() - 2)};
    }
    if (text != "None") return db_column;
    return {true, op_.field + (f.foreign_key() ? "_id" : "")};
  }

  // The column type of the primary key of "app.model", or "" when unknown.
  static std::string key_type(const ProjectState& state, const std::string& model,
                              SafetyDatabase database) {
    const std::size_t dot = model.find('.');
    if (dot == std::string::npos) return {};
    const ModelState* m = state.model(model.substr(0, dot), model.substr(dot + 1));
    if (m == nullptr || !m->fields_known) return {};
    for (const auto& [name, f] : m->fields) {
      if (f.get("primary_key", "False").text != "True") continue;
      static const SwappableSettings kNone;
      const std::string app = model.substr(0, dot);
      ColumnContext context{database, app, kNone, {}};
      return column_of(f, context).type;
    }
    return {};
  }

  static bool join_table(const FieldDefinition& f) {
    return f.cls.size() >= 15 && f.cls.compare(f.cls.size() - 15, 15, "ManyToManyField") == 0;
  }

  static std::string fields_of(const UniqueDefinition& u) {
    return fmt::format("({}){}", fmt::join(u.fields, ", "),
                       u.condition.empty() ? "" : " where " + u.condition);
  }

  // Whether `u` cannot be violated given what the table guarantees now or at the base: an
  // equal uniqueness, or one over a subset of its fields (unconditional, or the same condition).
  bool already_unique(const UniqueDefinition& u) const {
    if (model_ == nullptr) return false;
    // Over a column the branch added, which the old code never writes: it cannot violate it.
    for (const std::string& field : u.fields) {
      if (model_->branch_fields.count(field) != 0) return true;
    }
    const auto guaranteed = guaranteed_uniques(*model_);
    if (!guaranteed) return false;
    for (const UniqueDefinition& g : *guaranteed) {
      if (!g.known || g.fields.empty()) continue;
      if (!g.condition.empty() && g.condition != u.condition) continue;
      if (std::includes(u.fields.begin(), u.fields.end(), g.fields.begin(), g.fields.end())) {
        return true;
      }
    }
    return false;
  }

  // Whether the CheckConstraint of `op_` names only columns the branch added nullable, with
  // nothing that tests for NULL: the old code leaves them NULL, and a CHECK whose condition is
  // NULL passes (PostgreSQL docs, "Check Constraints"), so its rows cannot violate it.
  bool check_on_new_nullable_columns() const {
    if (model_ == nullptr || c_.source.size() < std::size_t{op_.span.offset} + op_.span.length) {
      return false;
    }
    std::string_view text = c_.source.substr(op_.span.offset, op_.span.length);
    // Only the condition (`condition=` since Django 5.1, `check=` before), up to its closing
    // parenthesis: the constraint's `name=` is not a column.
    std::size_t start = text.find("condition=");
    if (start == std::string_view::npos) start = text.find("check=");
    const std::size_t open = start == std::string_view::npos ? start : text.find('(', start);
    if (open == std::string_view::npos) return false;
    std::size_t close = open;
    for (int depth = 0; close < text.size(); ++close) {
      depth += text[close] == '(' ? 1 : text[close] == ')' ? -1 : 0;
      if (depth == 0) break;
    }
    text = text.substr(start, close - start);
    for (std::string_view null_test : {"isnull", "None", "Coalesce", "RawSQL", "Func", "Case("}) {
      if (text.find(null_test) != std::string_view::npos) return false;
    }
    bool named = false;
    for (std::size_t at = 0; at < text.size();) {
      auto word_char = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               ch == '_';
      };
      if (!word_char(text[at])) {
        ++at;
        continue;
      }
      std::size_t end = at;
      while (end < text.size() && word_char(text[end])) ++end;
      const std::string_view word = text.substr(at, end - at);
      const std::string field(word.substr(0, word.find("__")));
      at = end;
      auto it = model_->fields.find(field);
      if (it == model_->fields.end()) continue;
      if (model_->branch_fields.count(field) == 0 ||
          it->second.get("null", "False").text != "True") {
        return false;
      }
      named = true;
    }
    return named;
  }

  void unique_not_new(const std::string& what) {
    if (c_.database != SafetyDatabase::PostgreSQL) return;
    fire("add-index-locks",
         fmt::format("{} of `{}` cannot be violated by the old code (the table already "
                     "guarantees it, or it covers a column the old code never writes), but "
                     "PostgreSQL builds its unique index without CONCURRENTLY, blocking writes "
                     "until it is built",
                     what, op_.model));
  }

  // Whether (model, field) gets a database default: a `db_default` other than None on `f`, or
  // AddDefaultValue in the same migration (db_default=None is DEFAULT NULL: no default).
  bool database_default(const FieldDefinition& f) const {
    return (f.kwargs.count("db_default") != 0 && f.kwargs.at("db_default").text != "None") ||
           c_.database_defaults.count({op_.model, op_.field}) != 0;
  }

  // AlterField to NOT NULL of a field the branch added nullable to an existing table: the old
  // code's INSERTs leave the column out once the release is deployed, as with a NOT NULL
  // AddField.
  void not_null_after_branch_add() {
    const FieldDefinition* before = c_.state.field(c_.app, op_.model, op_.field);
    const FieldDefinition& now = *op_.definition;
    if (before == nullptr || !before->known || !now.known || !column(now).exists) return;
    if (before->get("null", "False").text != "True" || now.get("null", "False").text != "False") {
      return;
    }
    if (database_default(now) || now.get("primary_key", "False").text == "True") return;
    fire("add-not-null-field",
         fmt::format("AlterField makes {} NOT NULL without a database default, and the field "
                     "was added nullable earlier on this branch to a table that exists at the "
                     "base: together they add a NOT NULL column, so the old code's INSERTs leave "
                     "it out and fail during the deploy window and after a rollback",
                     column()));
    // Dropped or made nullable again later on the branch, the column never meets the old code.
    out_.back().while_not_null = std::array<std::string, 3>{c_.app, op_.model, op_.field};
  }

  void add_field() {
    const FieldDefinition& f = *op_.definition;
    if (!f.known) {
      return note("add-not-null-field",
                  fmt::format("the field added as {} is not a call of a field class, so migline "
                              "cannot tell whether its column is NOT NULL",
                              column()));
    }
    if (f.many_to_many() || !column(f).exists) return;
    judge_added_foreign_key(op_, c_, out_);
    const StaticValue null = f.get("null", "False");
    const bool has_default = database_default(f);
    if (!null.known) {
      note("add-not-null-field",
           fmt::format("`null` of {} is not a literal, so migline cannot tell whether the new "
                       "column is NOT NULL",
                       column()));
    } else if (null.text == "False" && !has_default &&
               f.get("primary_key", "False").text != "True") {
      fire("add-not-null-field",
           fmt::format("AddField adds {} as NOT NULL without a database default to a table "
                       "that exists at the base: the old code's INSERTs leave it out and fail "
                       "during the deploy window and after a rollback{}",
                       column(),
                       f.kwargs.count("default") != 0
                           ? " (Django's `default=` fills the existing rows, then is dropped)"
                           : ""));
    }
    if (f.get("unique", "False").text == "True") {
      fire("add-unique",
           fmt::format("AddField adds {} as unique to a table that exists at the base: building "
                       "the unique index locks the table",
                       column()));
    } else if (f.kwargs.count("db_index") != 0 && f.get("db_index", "False").text == "True" &&
               c_.database == SafetyDatabase::PostgreSQL) {
      fire("add-index-locks",
           fmt::format("AddField indexes {} without CONCURRENTLY: PostgreSQL blocks writes to "
                       "the table until the index is built",
                       column()));
    }
  }

  void alter_field() {
    const FieldDefinition& now = *op_.definition;
    const FieldDefinition* before = c_.state.field(c_.app, op_.model, op_.field);
    if (before == nullptr || !before->known || !now.known) {
      return note(
          "alter-column",
          fmt::format("migline cannot read {} {}, so it cannot tell what AlterField "
                      "changes in the column",
                      column(),
                      before == nullptr || !before->known ? "as the earlier migrations "
                                                            "define it"
                                                          : "as this migration defines it"));
    }
    judge_altered_constraints(op_, *before, c_, out_);
    const Column old_column = column(*before);
    const Column new_column = column(now);
    if (!old_column.exists && !new_column.exists) return;
    std::vector<std::string> unknown;
    // NULL, unique and the index have rules of their own.
    // NullBooleanField is null=True by itself (Django < 4).
    const StaticValue old_null =
        before->get("null", before->cls == "NullBooleanField" ? "True" : "False");
    const StaticValue new_null = now.get("null", now.cls == "NullBooleanField" ? "True" : "False");
    if (old_null.text != new_null.text) {
      if (!old_null.known || !new_null.known) {
        unknown.push_back("null");
      } else if (new_null.text == "False" &&
                 c_.database_defaults.count({op_.model, op_.field}) == 0) {
        fire("make-field-not-null",
             fmt::format("AlterField makes {} NOT NULL: rows the old code writes without it "
                         "fail during the deploy window, and the ALTER fails on any NULL left",
                         column()));
      }
    }
    const bool old_pk = before->get("primary_key", "False").text == "True";
    const bool new_pk = now.get("primary_key", "False").text == "True";
    const StaticValue old_unique = before->get("unique", "False");
    const StaticValue new_unique = now.get("unique", "False");
    const bool was_unique = old_pk || old_column.implicit_unique || old_unique.text == "True";
    const bool is_unique = new_pk || new_column.implicit_unique || new_unique.text == "True";
    if (!new_unique.known && new_unique.text != old_unique.text) {
      unknown.push_back("unique");
    } else if (!was_unique && is_unique &&
               !already_unique(UniqueDefinition{true, {op_.field}, "", ""})) {
      fire("add-unique", fmt::format("AlterField makes {} unique: rows the old code writes "
                                     "may violate it, and existing duplicates fail the "
                                     "migration",
                                     column()));
    }
    const StaticValue old_index = before->get("db_index", default_of("db_index", *before));
    const StaticValue new_index = now.get("db_index", default_of("db_index", now));
    if (old_index.text != new_index.text && old_index.known && new_index.known &&
        c_.database == SafetyDatabase::PostgreSQL && !is_unique && !was_unique &&
        new_column.exists && old_column.exists) {
      const bool adds = new_index.text == "True";
      fire(adds ? "add-index-locks" : "remove-index-locks",
           fmt::format("AlterField {} the index of {} without CONCURRENTLY: PostgreSQL {} "
                       "the table while it runs",
                       adds ? "builds" : "drops", column(), adds ? "blocks writes to" : "locks"));
    }
    ColumnChange change = classify_column_change(old_column, new_column, c_.database);
    if (!old_pk && new_pk) {
      change.kind = ChangeKind::Breaking;
      change.what += change.what.empty() ? "it becomes the primary key" : ", the primary key";
    }
    // Another collation keeps the values: PostgreSQL rebuilds the column's indexes under lock.
    if (before->get("db_collation", "None").text != now.get("db_collation", "None").text &&
        change.kind != ChangeKind::Breaking && old_column.exists && new_column.exists) {
      change.kind = change.kind == ChangeKind::Unknown ? change.kind : ChangeKind::Rewrite;
      change.what += change.what.empty() ? "`db_collation`" : ", `db_collation`";
      if (change.reason.empty()) {
        change.reason = "a new collation rebuilds the column's indexes";
      }
    }
    // The column's name as the database has it: a ForeignKey `x` and an IntegerField with
    // db_column='x_id' are the same column. After a RenameField on the branch, the name the
    // old code knows is gone already: rename-field said so.
    const StaticValue old_name = column_name(*before);
    const StaticValue new_name = column_name(now);
    const bool renamed_here = model_ != nullptr && model_->renamed_on_branch.count(op_.field) != 0;
    if (old_name.text != new_name.text && !renamed_here) {
      if (!old_name.known || !new_name.known) {
        unknown.push_back("db_column");
      } else {
        change.kind = ChangeKind::Breaking;
        const std::string renamed =
            fmt::format("the column's name `{}` -> `{}`", old_name.text, new_name.text);
        change.what += change.what.empty() ? renamed : ", " + renamed;
      }
    }
    // A foreign key's values are keys of the referenced table: ids never fail a CHECK (>= 0),
    // so a ForeignKey made a Positive*Field of its column is the constraint dropped (relaxes).
    if (change.kind == ChangeKind::Unknown && before->foreign_key() && !now.foreign_key() &&
        old_column.type.empty() && new_column.non_negative) {
      change.kind = ChangeKind::Safe;
    }
    switch (change.kind) {
      case ChangeKind::None:
      case ChangeKind::Safe:
        break;
      case ChangeKind::Rewrite:
        if (c_.database != SafetyDatabase::SQLite) {
          fire("alter-column-locks",
               fmt::format("AlterField changes the column of {} ({}), a change the old code "
                           "survives, under an exclusive lock: {}; reads and writes of the "
                           "table wait until it ends",
                           column(), change.what, change.reason));
        }
        break;
      case ChangeKind::Unknown:
        note("alter-column",
             fmt::format("AlterField of {}: {}; migline cannot tell whether the column "
                         "changes",
                         column(), change.reason));
        break;
      case ChangeKind::Breaking:
        fire("alter-column",
             fmt::format("AlterField changes the column of {} ({}), a change the old code "
                         "breaks on: it may write values the new column rejects, and a rollback "
                         "may not fit the data back",
                         column(), change.what));
        break;
    }
    if (!unknown.empty() && change.kind != ChangeKind::Breaking) {
      note("alter-column",
           fmt::format("AlterField of {}: migline cannot read `{}` as a literal, so it cannot "
                       "tell whether the column changes",
                       column(), fmt::join(unknown, "`, `")));
    }
  }

  void rename_field() {
    const FieldDefinition* f = c_.state.field(c_.app, op_.model, op_.field);
    if (f == nullptr || !f->known) {
      return note("rename-field",
                  fmt::format("migline cannot read {} as the earlier migrations define it, so it "
                              "cannot tell whether RenameField renames a column",
                              column()));
    }
    if (!column(*f).exists && !join_table(*f)) return;
    const StaticValue db_column = f->get("db_column", "");
    if (!db_column.known) {
      return note("rename-field", fmt::format("`db_column` of {} is not a literal, so migline "
                                              "cannot tell whether RenameField renames a column",
                                              column()));
    }
    if (!db_column.text.empty() && db_column.text != "None") return;  // the column keeps its name
    fire("rename-field",
         fmt::format("RenameField renames the column of {} to `{}`: the old code still uses the "
                     "old name during the deploy window and after a rollback",
                     column(), op_.new_field));
  }

  void rename_model() {
    if (model_ != nullptr && model_->db_table) {
      if (!model_->db_table->known) {
        return note("rename-model", fmt::format("migline cannot read the `db_table` of `{}`, so "
                                                "it cannot tell whether RenameModel renames "
                                                "its table",
                                                op_.model));
      }
      if (model_->db_table->text != "None") return;  // an explicit table name does not move
    }
    fire("rename-model",
         fmt::format("RenameModel renames the table of `{}` to follow `{}`: the old code still "
                     "queries the old table during the deploy window and after a rollback",
                     op_.model, op_.new_model));
  }

  void alter_table() {
    const std::string default_name = fmt::format("'{}_{}'", c_.app, op_.model);
    auto name_of = [&](const std::optional<StaticValue>& table) {
      return !table || table->text == "None" ? StaticValue{true, default_name} : *table;
    };
    if (!op_.db_table || !op_.db_table->known ||
        (model_ != nullptr && model_->db_table && !model_->db_table->known)) {
      return note("alter-db-table",
                  fmt::format("migline cannot read the old or new table name of `{}`, so it "
                              "cannot tell whether AlterModelTable renames it",
                              op_.model));
    }
    const StaticValue before = model_ == nullptr ? StaticValue{} : name_of(model_->db_table);
    const StaticValue after = name_of(op_.db_table);
    if (before.known && before.text == after.text) return;
    fire("alter-db-table",
         fmt::format("AlterModelTable renames the table of `{}` to {}: the old code still "
                     "queries the old table during the deploy window and after a rollback",
                     op_.model, after.text));
  }

  void unique_together() {
    if (!op_.unique_together) {
      return note("add-unique", fmt::format("unique_together of `{}` is not a literal, so "
                                            "migline cannot tell whether it adds a constraint",
                                            op_.model));
    }
    const std::vector<std::string>& now = *op_.unique_together;
    std::vector<std::string> added;
    for (const std::string& set : now) {
      const bool had = model_ != nullptr && model_->unique_together &&
                       std::find(model_->unique_together->begin(), model_->unique_together->end(),
                                 set) != model_->unique_together->end();
      if (!had) added.push_back(set);
    }
    std::vector<std::string> not_new;
    added.erase(std::remove_if(added.begin(), added.end(),
                               [&](const std::string& set) {
                                 if (!already_unique(unique_together_entry(set))) return false;
                                 not_new.push_back(set);
                                 return true;
                               }),
                added.end());
    if (!not_new.empty())
      unique_not_new(fmt::format("unique_together {}", fmt::join(not_new, ", ")));
    if (added.empty()) return;
    if (model_ == nullptr || !model_->unique_together) {
      return note("add-unique", fmt::format("migline cannot read the earlier unique_together of "
                                            "`{}`, so it cannot tell whether {} is new",
                                            op_.model, fmt::join(added, ", ")));
    }
    fire("add-unique",
         fmt::format("AlterUniqueTogether adds unique {} to `{}`, a table that exists at the base: "
                     "rows the old code writes may violate it, and existing duplicates fail "
                     "the migration",
                     fmt::join(added, ", "), op_.model));
  }

  const Operation& op_;
  const OperationContext& c_;
  std::vector<SafetyFinding>& out_;
  const ModelState* model_ = nullptr;
};

}  // namespace

SafetyFinding operation_finding(const Operation& op, std::string_view rule, std::string message,
                                Severity severity) {
  SafetyFinding f;
  f.rule = std::string(rule);
  f.severity = severity;
  f.message = std::move(message);
  f.span = op.span;
  f.last_line = op.last_line;
  return f;
}

const std::vector<SafetyRule>& safety_rules() {
  static const std::vector<SafetyRule> kRules = {
      {"add-not-null-field", Severity::Error, false,
       "a NOT NULL column without a database default on an existing table",
       "add it with null=True (or with db_default=...), backfill, then make it NOT NULL in a "
       "later release; Django's default= is not kept in the database"},
      {"make-field-not-null", Severity::Error, false, "a nullable column made NOT NULL",
       "ship code that always sets the field and backfill the NULLs first; make it NOT NULL in "
       "the next release"},
      {"remove-field", Severity::Error, false, "a column dropped",
       "stop using the field in one release (SeparateDatabaseAndState with a state-only "
       "RemoveField), drop the column in the next"},
      {"delete-model", Severity::Error, false, "a table dropped",
       "stop using the model in one release (SeparateDatabaseAndState with a state-only "
       "DeleteModel), drop the table in the next"},
      {"rename-field", Severity::Error, false, "a column renamed",
       "keep the column: give the renamed field db_column='<old name>' (or add a new column, "
       "write both, backfill, and drop the old one releases later)"},
      {"rename-model", Severity::Error, false, "a table renamed by renaming its model",
       "keep the table: set Meta.db_table to the old table name in the same change, so the "
       "rename touches no database object"},
      {"alter-db-table", Severity::Error, false, "a table renamed with db_table",
       "keep the old table name, or rename in steps the old code survives (a view, then the "
       "move, then the rename in a later release)"},
      {"alter-column", Severity::Error, false,
       "a column changed in a way other than relaxing it (type, length, db_column, ...)",
       "add a new column, write both, backfill, switch reads, drop the old one releases later; "
       "relaxing changes (a longer varchar, dropping NOT NULL) and Django-only attributes "
       "(choices, help_text, ...) are safe"},
      {"alter-column-locks", Severity::Warning, false,
       "a column change that rewrites the table under lock, which the old code survives "
       "(a wider integer, date to timestamp, json to jsonb, ...)",
       "run it when a table lock is acceptable, or add a new column, backfill it in batches and "
       "switch to it"},
      {"add-unique", Severity::Error, false,
       "a unique field, unique_together or UniqueConstraint on an existing table",
       "ship code that keeps the values unique and remove duplicates first; on PostgreSQL build "
       "the index CONCURRENTLY (SeparateDatabaseAndState with RunSQL), then add the constraint"},
      {"add-check-constraint", Severity::Error, false,
       "a CHECK added to an existing table (CheckConstraint, a Positive*Field, SQL ADD CHECK)",
       "ship code that satisfies the check and fix the rows that do not first; then add it NOT "
       "VALID (RunSQL `ALTER TABLE ... ADD CONSTRAINT ... CHECK (...) NOT VALID`, the "
       "AddConstraint as its state operation) and run `VALIDATE CONSTRAINT` in a later migration"},
      {"concurrent-index-in-atomic", Severity::Error, true,
       "CONCURRENTLY (AddIndexConcurrently, RemoveIndexConcurrently, RunSQL) in a migration that "
       "runs in a transaction",
       "set `atomic = False` on the Migration (and keep its other operations in another "
       "migration, since a failure then leaves the first ones applied)"},
      {"post-deploy-add-field", Severity::Error, false,
       "a column added by a post-deploy migration, which the new code selects before it exists",
       "add columns before the deploy (nullable or with db_default); keep post-deploy "
       "migrations for drops and for NOT NULL after a backfill"},
      {"post-deploy-remove-not-null", Severity::Error, false,
       "a NOT NULL column without a database default dropped after the deploy",
       "in the release that stops using the field, make it nullable (AlterField null=True) "
       "or give it a db_default in a pre-deploy migration; drop it post-deploy"},
      {"runpython-irreversible", Severity::Warning, false, "RunPython without reverse_code",
       "pass reverse_code (migrations.RunPython.noop when nothing needs undoing)"},
      {"runsql-irreversible", Severity::Warning, false, "RunSQL without reverse_sql",
       "pass reverse_sql (migrations.RunSQL.noop when nothing needs undoing)"},
      {"add-index-locks", Severity::Warning, true,
       "an index built without CONCURRENTLY on an existing table",
       "use django.contrib.postgres.operations.AddIndexConcurrently in a migration with "
       "atomic = False"},
      {"remove-index-locks", Severity::Warning, true,
       "an index dropped without CONCURRENTLY on an existing table",
       "use django.contrib.postgres.operations.RemoveIndexConcurrently in a migration with "
       "atomic = False"},
      {"add-foreign-key", Severity::Warning, false,
       "a foreign key constraint added to an existing table (PostgreSQL, MySQL)",
       "add the field with db_index=False and db_constraint=False, build its index with "
       "AddIndexConcurrently (atomic = False), then RunSQL `ALTER TABLE ... ADD CONSTRAINT ... "
       "FOREIGN KEY ... NOT VALID` and, in a later migration, `VALIDATE CONSTRAINT` "
       "(SeparateDatabaseAndState brings Django's state to db_constraint=True)"},
      {"runsql-unreadable", Severity::Note, false, "RunSQL whose SQL is not a string literal",
       "check the SQL by hand, or write it as a literal"},
  };
  return kRules;
}

const SafetyRule* find_safety_rule(std::string_view id) {
  for (const SafetyRule& rule : safety_rules()) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

std::optional<SafetyDatabase> parse_safety_database(std::string_view name) {
  if (name == "postgresql") return SafetyDatabase::PostgreSQL;
  if (name == "mysql") return SafetyDatabase::MySQL;
  if (name == "sqlite") return SafetyDatabase::SQLite;
  return std::nullopt;
}

void judge_operation(const Operation& op, const OperationContext& context,
                     std::vector<SafetyFinding>& out) {
  Judge(op, context, out).run();
}

}  // namespace migline
