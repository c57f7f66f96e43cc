#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/django/migration_operations.hpp"

namespace migline {

// What the migrations replayed so far say about one model's table.
struct ModelState {
  bool created_on_branch = false;  // its CreateModel is in a migration new on the branch
  bool fields_known = false;       // its CreateModel's field list was read
  std::map<std::string, FieldDefinition> fields;
  std::optional<StaticValue> db_table;  // nullopt: Django's default name; unknown when unread
  std::optional<std::vector<std::string>> unique_together = std::vector<std::string>{};
  bool no_table = false;  // managed = False or a proxy: no table of its own
  std::string proxy_of;   // a proxy's concrete model ("app.model"): the table its rows are in
  std::vector<UniqueDefinition> constraints;  // its UniqueConstraints
  std::set<std::string> branch_fields;        // fields added by migrations new on the branch
  std::set<std::string> renamed_on_branch;    // fields a RenameField new on the branch named
  // Uniqueness the base guarantees that migrations new on the branch dropped: a replacement
  // added after the drop is not new.
  std::vector<UniqueDefinition> dropped_on_branch;
  bool deleted_on_branch = false;  // in deleted_models(): its DeleteModel is new on the branch
};

// The field names of a rendered unique_together entry, e.g. "('a', 'b')" -> {a, b}, sorted.
UniqueDefinition unique_together_entry(const std::string& rendered);

// Every uniqueness `model` guarantees now, or guaranteed at the base: unique fields, primary
// keys, OneToOneFields, unique_together and UniqueConstraints; nullopt when unreadable.
std::optional<std::vector<UniqueDefinition>> guaranteed_uniques(const ModelState& model);

// The models of a project as the operations replayed in graph order build them, read
// statically: a model no replayed operation created exists with unknown fields.
class ProjectState {
 public:
  // The model `app`.`model` (lowercase name), or nullptr when no replayed operation made it.
  const ModelState* model(const std::string& app, const std::string& model) const;
  // The field `name` of `app`.`model` as last defined, or nullptr when unknown.
  const FieldDefinition* field(const std::string& app, const std::string& model,
                               const std::string& name) const;
  // Applies the state change of `op`, an operation of a migration of `app`; `on_branch` says
  // whether that migration is new on the branch. SeparateDatabaseAndState and RunSQL apply
  // their state operations.
  void apply(const std::string& app, const Operation& op, bool on_branch);
  // "app.model" as it is called now, following every RenameModel replayed since.
  std::string current_name(std::string reference) const;
  // The model whose table holds the rows of "app.model": itself, or what its proxies stand for.
  std::string concrete_name(std::string reference) const;
  // The field `name` of `app`.`model` as it is called now, following every RenameField and
  // RenameModel replayed since, or nullptr when it is gone.
  const FieldDefinition* current_field(const std::string& app, const std::string& model,
                                       std::string name) const;
  // Every model, by "app.model".
  const std::map<std::string, ModelState>& models() const { return models_; }
  // The models a replayed DeleteModel removed, by "app.model", as they were (a model no
  // replayed operation created: Django's default table name).
  const std::map<std::string, ModelState>& deleted_models() const { return deleted_; }

 private:
  ModelState& touch(const std::string& app, const std::string& model);

  std::map<std::string, ModelState> models_;           // "app.model"
  std::map<std::string, std::string> renamed_;         // "app.old" -> "app.new"
  std::map<std::string, std::string> renamed_fields_;  // "app.model.old" -> "new"
  std::map<std::string, ModelState> deleted_;
};

}  // namespace migline
