#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/django/django_migration.hpp"
#include "core/django/migration_operations.hpp"

namespace migline {

// The database the safety rules judge for (`.migline.yaml` `safety: database:`).
enum class SafetyDatabase { PostgreSQL, MySQL, SQLite };

// The column a field makes on its model's table, as the database sees it. Only what the
// database keeps counts; what Django keeps to itself (choices, help_text, ...) is not here.
struct Column {
  bool exists = true;     // false: the field has no column on its table (ManyToMany, taggit)
  std::string type;       // the SQL type, e.g. "varchar(100)"; empty when migline cannot tell
  std::string unknown;    // why `type` is empty (for the note)
  std::string signature;  // when `type` is empty: what decides it; equal signatures, equal types
  bool non_negative = false;     // a CHECK (>= 0) beside the type (PostgreSQL, SQLite)
  std::string references;        // a foreign key's target, "app.model" lowercase; "" when none
  bool constraint = false;       // the foreign key has its constraint (db_constraint)
  bool implicit_unique = false;  // OneToOneField's unique constraint
};

// The lowercase "app.model" a model reference written in a migration of `app` names
// (`"Inventory"`, `"main.Inventory"`, `settings.AUTH_USER_MODEL`); empty when unknown.
std::string resolve_model_reference(const StaticValue& to, const std::string& app,
                                    const SwappableSettings& settings);

// The column type of the primary key of "app.model" on a database, or "" when unknown.
using KeyTypeLookup = std::function<std::string(const std::string& model)>;

// What migline needs to type a field of a migration of `app`.
struct ColumnContext {
  SafetyDatabase database = SafetyDatabase::PostgreSQL;
  const std::string& app;
  const SwappableSettings& settings;
  KeyTypeLookup key_type;  // for foreign keys; may be empty
};

// The column `field` makes on `context.database`, from Django's backends' data_types and the
// table of third-party fields (column_types.cpp names the sources).
Column column_of(const FieldDefinition& field, const ColumnContext& context);

// The type a foreign key to a primary key of type `key` gets (AUTO_INCREMENT, serial and
// UNSIGNED-free, as Django's rel_db_type does).
std::string referencing_type(std::string_view key, SafetyDatabase database);

}  // namespace migline
