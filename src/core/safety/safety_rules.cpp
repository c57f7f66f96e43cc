#include "core/safety/safety_rules.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace migline {
namespace {

// Attributes that live only in Django: changing them changes no column.
bool is_django_side(std::string_view name) {
  static const std::set<std::string_view> kNames = {
      "choices",          "help_text",       "blank",          "validators",   "verbose_name",
      "default",          "editable",        "error_messages", "related_name", "related_query_name",
      "limit_choices_to", "on_delete",       "upload_to",      "storage",      "auto_now",
      "auto_now_add",     "db_comment",      "db_default",     "serialize",    "unique_for_date",
      "unique_for_month", "unique_for_year", "path",           "match",        "recursive",
      "allow_files",      "allow_folders",   "width_field",    "height_field", "symmetrical",
      "through",          "through_fields",  "swappable",      "parent_link",  "to_field_name"};
  return kNames.count(name) != 0;
}

std::string_view default_of(std::string_view attribute, const FieldDefinition& field) {
  if (attribute == "null" || attribute == "unique" || attribute == "primary_key") return "False";
  if (attribute == "db_index") {
    return field.cls == "ForeignKey" || field.cls == "OneToOneField" ? "True" : "False";
  }
  return "";  // absent
}

SafetyFinding make(const Operation& op, std::string_view rule, std::string message,
                   Severity severity) {
  SafetyFinding f;
  f.rule = std::string(rule);
  f.severity = severity;
  f.message = std::move(message);
  f.span = op.span;
  f.last_line = op.last_line;
  return f;
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
      return;
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
    if (t == "AddField") return add_field();
    if (t == "AlterField") return alter_field();
    if (t == "RemoveField") {
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
      if (op_.kind == "UniqueConstraint") {
        fire("add-unique", fmt::format("AddConstraint adds a UniqueConstraint to `{}`, a table "
                                       "that exists at the base: rows the old code writes may "
                                       "violate it, and existing duplicates fail the migration",
                                       op_.model));
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
    out_.push_back(make(op_, rule, std::move(message), find_safety_rule(rule)->severity));
  }
  void note(std::string_view rule, std::string message) {
    out_.push_back(make(op_, rule, std::move(message), Severity::Note));
  }

  std::string column() const { return fmt::format("`{}.{}`", op_.model, op_.field); }

  void add_field() {
    const FieldDefinition& f = *op_.definition;
    if (!f.known) {
      return note("add-not-null-field",
                  fmt::format("the field added as {} is not a call of a field class, so migline "
                              "cannot tell whether its column is NOT NULL",
                              column()));
    }
    if (f.many_to_many()) return;
    const StaticValue null = f.get("null", "False");
    const bool has_default = f.kwargs.count("db_default") != 0 ||
                             c_.database_defaults.count({op_.model, op_.field}) != 0;
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
    if (now.many_to_many() && before->many_to_many()) return;
    std::set<std::string> names;
    for (const auto& kv : before->kwargs) names.insert(kv.first);
    for (const auto& kv : now.kwargs) names.insert(kv.first);
    std::vector<std::string> changed;
    std::vector<std::string> unknown;
    if (before->cls != now.cls) changed.push_back("the field class");
    for (const std::string& name : names) {
      if (is_django_side(name)) continue;
      const StaticValue old_value = before->get(name, default_of(name, *before));
      const StaticValue new_value = now.get(name, default_of(name, now));
      // The same expression in both migrations evaluates alike in one process.
      if (!old_value.text.empty() && old_value.text == new_value.text) continue;
      if (!old_value.known || !new_value.known) {
        unknown.push_back(name);
        continue;
      }
      if (name == "null") {
        if (new_value.text == "False") {
          fire("make-field-not-null",
               fmt::format("AlterField makes {} NOT NULL: rows the old code writes without it "
                           "fail during the deploy window, and the ALTER fails on any NULL "
                           "left",
                           column()));
        }
      } else if (name == "unique") {
        if (new_value.text == "True") {
          fire("add-unique", fmt::format("AlterField makes {} unique: rows the old code writes "
                                         "may violate it, and existing duplicates fail the "
                                         "migration",
                                         column()));
        }
      } else if (name == "db_index") {
        if (c_.database == SafetyDatabase::PostgreSQL) {
          const bool adds = new_value.text == "True";
          fire(adds ? "add-index-locks" : "remove-index-locks",
               fmt::format("AlterField {} the index of {} without CONCURRENTLY: PostgreSQL {} "
                           "the table while it runs",
                           adds ? "builds" : "drops", column(),
                           adds ? "blocks writes to" : "locks"));
        }
      } else {
        changed.push_back(fmt::format("`{}`", name));
      }
    }
    if (!changed.empty()) {
      fire("alter-column",
           fmt::format("AlterField changes the column of {} ({}): the old code may write values "
                       "the new column rejects, and a rollback may not fit the data back",
                       column(), fmt::join(changed, ", ")));
    } else if (!unknown.empty()) {
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
       "dropping NOT NULL and Django-only attributes (choices, help_text, blank, ...) are safe"},
      {"add-unique", Severity::Error, false,
       "a unique field, unique_together or UniqueConstraint on an existing table",
       "ship code that keeps the values unique and remove duplicates first; on PostgreSQL build "
       "the index CONCURRENTLY (SeparateDatabaseAndState with RunSQL), then add the constraint"},
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
