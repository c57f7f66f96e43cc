#include "core/safety/column_change.hpp"

#include <cctype>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

namespace migline {
namespace {

// A column type taken apart: "numeric(10, 2)" -> base "numeric", params {10, 2}.
struct ParsedType {
  std::string base;               // lowercase, without parameters, AUTO_INCREMENT or "[]"
  std::vector<long long> params;  // empty: none given (an unlimited varchar)
  bool auto_increment = false;
  int dimensions = 0;  // "[]" suffixes
};

ParsedType parse_type(std::string_view type) {
  ParsedType t;
  while (type.size() >= 2 && type.substr(type.size() - 2) == "[]") {
    ++t.dimensions;
    type.remove_suffix(2);
  }
  std::string words;
  for (std::size_t i = 0; i < type.size(); ++i) {
    const char c = type[i];
    if (c == '(') {
      const std::size_t close = type.find(')', i);
      std::string inside(type.substr(i + 1, close == std::string_view::npos ? 0 : close - i - 1));
      for (std::size_t at = 0; at < inside.size();) {
        t.params.push_back(std::strtoll(inside.c_str() + at, nullptr, 10));
        at = inside.find(',', at);
        if (at == std::string::npos) break;
        ++at;
      }
      i = close == std::string_view::npos ? type.size() : close;
      continue;
    }
    words += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  constexpr std::string_view kAuto = " auto_increment";
  const std::size_t at = words.find(kAuto);
  if (at != std::string::npos) {
    t.auto_increment = true;
    words.erase(at, kAuto.size());
  }
  while (!words.empty() && words.back() == ' ') words.pop_back();
  t.base = words;
  return t;
}

enum Databases : unsigned { kPostgreSQL = 1, kMySQL = 2, kSQLite = 4 };

enum class Condition {
  Always,
  Longer,                 // the new length limit is higher, or there is none
  LongerSameLengthBytes,  // Longer, and MySQL keeps 1 length byte (<= 255 bytes) or 2
  PrecisionUpSameScale,   // numeric(p, s) -> numeric(p' >= p, s)
  DecimalWider,           // neither the digits before the point nor the scale shrink
  IntegerFits,            // numeric(p, s) holds every value of the integer type
};

// One known change of column type and its kind. The first row whose types and condition
// match decides; a change of type no row names is Breaking.
struct TypeChangeRule {
  unsigned databases;
  std::string_view from;
  std::string_view to;
  Condition condition;
  ChangeKind kind;
  std::string_view reason;
};

// Sources: PostgreSQL 16 documentation, ALTER TABLE, Notes ("changing the type of an existing
// column will normally cause the entire table and its indexes to be rewritten. As an exception,
// when changing the type of an existing column, if the USING clause does not change the column
// contents and the old type is either binary coercible to the new type or an unconstrained
// domain over the new type, a table rewrite is not needed"; varchar -> text and a longer or
// removed varchar limit are binary coercible; release notes 9.2: "increasing the length limit
// for a varchar or varbit column, or removing the limit altogether, no longer requires a table
// rewrite", and numeric precision raised at the same scale); every other ALTER COLUMN TYPE
// takes ACCESS EXCLUSIVE and rewrites. MySQL 8.0 Reference Manual 15.12.1 "Online DDL
// Operations", Column Operations: "Extending VARCHAR column size" is in place only while the
// number of length bytes stays the same (0-255 bytes: one; 256 or more: two; Django creates
// utf8mb4 tables, 4 bytes a character, so 63 characters is the last one-byte length); "Changing
// the column data type" is a table copy that permits no concurrent DML. SQLite: "Datatypes In
// SQLite", type affinity (VARCHAR(n) and TEXT both have TEXT affinity, n is not enforced;
// every INT type has INTEGER affinity).
const std::vector<TypeChangeRule>& type_change_rules() {
  static const std::vector<TypeChangeRule> kRules = {
      {kPostgreSQL, "varchar", "varchar", Condition::Longer, ChangeKind::Safe,
       "PostgreSQL raises or removes a varchar limit in its catalog only"},
      {kPostgreSQL, "varchar", "text", Condition::Always, ChangeKind::Safe,
       "varchar is binary coercible to text: PostgreSQL changes its catalog only"},
      {kPostgreSQL, "text", "varchar", Condition::Longer, ChangeKind::Safe,
       "text is binary coercible to an unlimited varchar: PostgreSQL changes its catalog only"},
      {kPostgreSQL, "citext", "text", Condition::Always, ChangeKind::Safe,
       "citext is binary coercible to text"},
      {kPostgreSQL, "numeric", "numeric", Condition::PrecisionUpSameScale, ChangeKind::Safe,
       "PostgreSQL raises a numeric's precision at the same scale in its catalog only"},
      {kPostgreSQL | kMySQL, "numeric", "numeric", Condition::DecimalWider, ChangeKind::Rewrite,
       "a wider numeric rewrites the table; every old value fits"},
      {kMySQL, "varchar", "varchar", Condition::LongerSameLengthBytes, ChangeKind::Safe,
       "MySQL extends a VARCHAR in place while its length bytes stay the same (online DDL)"},
      {kMySQL, "varchar", "varchar", Condition::Longer, ChangeKind::Rewrite,
       "MySQL copies the table to extend a VARCHAR past 255 bytes, blocking writes"},
      {kMySQL, "varchar", "longtext", Condition::Always, ChangeKind::Rewrite,
       "MySQL copies the table to change a column's type, blocking writes; every old value fits"},
      {kSQLite, "varchar", "varchar", Condition::Always, ChangeKind::Safe,
       "SQLite enforces no varchar length (TEXT affinity)"},
      {kSQLite, "varchar", "text", Condition::Always, ChangeKind::Safe,
       "varchar and text have the same TEXT affinity on SQLite"},
      {kSQLite, "text", "varchar", Condition::Always, ChangeKind::Safe,
       "varchar and text have the same TEXT affinity on SQLite"},
      {kSQLite, "smallint", "integer", Condition::Always, ChangeKind::Safe,
       "every INT type has INTEGER affinity on SQLite"},
      {kSQLite, "smallint", "bigint", Condition::Always, ChangeKind::Safe,
       "every INT type has INTEGER affinity on SQLite"},
      {kSQLite, "integer", "bigint", Condition::Always, ChangeKind::Safe,
       "every INT type has INTEGER affinity on SQLite"},
      {kPostgreSQL | kMySQL, "smallint", "integer", Condition::Always, ChangeKind::Rewrite,
       "a wider integer rewrites the table; every old value fits"},
      {kPostgreSQL | kMySQL, "smallint", "bigint", Condition::Always, ChangeKind::Rewrite,
       "a wider integer rewrites the table; every old value fits"},
      {kPostgreSQL | kMySQL, "integer", "bigint", Condition::Always, ChangeKind::Rewrite,
       "a wider integer rewrites the table; every old value fits"},
      {kMySQL, "smallint unsigned", "integer unsigned", Condition::Always, ChangeKind::Rewrite,
       "a wider integer copies the table, blocking writes; every old value fits"},
      {kMySQL, "integer unsigned", "bigint unsigned", Condition::Always, ChangeKind::Rewrite,
       "a wider integer copies the table, blocking writes; every old value fits"},
      {kMySQL, "smallint unsigned", "integer", Condition::Always, ChangeKind::Rewrite,
       "a wider integer copies the table, blocking writes; every old value fits"},
      {kMySQL, "integer unsigned", "bigint", Condition::Always, ChangeKind::Rewrite,
       "a wider integer copies the table, blocking writes; every old value fits"},
      {kPostgreSQL | kMySQL, "smallint", "numeric", Condition::IntegerFits, ChangeKind::Rewrite,
       "integer to a numeric that holds it rewrites the table"},
      {kPostgreSQL | kMySQL, "integer", "numeric", Condition::IntegerFits, ChangeKind::Rewrite,
       "integer to a numeric that holds it rewrites the table"},
      {kPostgreSQL | kMySQL, "bigint", "numeric", Condition::IntegerFits, ChangeKind::Rewrite,
       "integer to a numeric that holds it rewrites the table"},
      {kPostgreSQL, "date", "timestamp with time zone", Condition::Always, ChangeKind::Rewrite,
       "date to timestamp rewrites the table; every old value fits"},
      {kMySQL, "date", "datetime", Condition::Always, ChangeKind::Rewrite,
       "date to datetime copies the table, blocking writes; every old value fits"},
      {kPostgreSQL, "json", "jsonb", Condition::Always, ChangeKind::Rewrite,
       "json to jsonb rewrites the table; every old value fits"},
      {kPostgreSQL, "real", "double precision", Condition::Always, ChangeKind::Rewrite,
       "real to double precision rewrites the table"},
  };
  return kRules;
}

unsigned bit_of(SafetyDatabase database) {
  switch (database) {
    case SafetyDatabase::MySQL:
      return kMySQL;
    case SafetyDatabase::SQLite:
      return kSQLite;
    default:
      return kPostgreSQL;
  }
}

// The unlimited length is "no parameter"; text counts as unlimited.
bool longer(const ParsedType& from, const ParsedType& to) {
  if (to.params.empty()) return true;
  return !from.params.empty() && to.params[0] >= from.params[0];
}

long long integer_digits(std::string_view base) {
  if (base == "smallint") return 5;
  if (base == "integer") return 10;
  return 19;  // bigint
}

bool holds(Condition condition, const ParsedType& from, const ParsedType& to) {
  switch (condition) {
    case Condition::Always:
      return true;
    case Condition::Longer:
      return longer(from, to);
    case Condition::LongerSameLengthBytes:
      // utf8mb4: 4 bytes a character; a length byte up to 255 bytes, two beyond.
      return !from.params.empty() && !to.params.empty() && longer(from, to) &&
             (from.params[0] * 4 <= 255) == (to.params[0] * 4 <= 255);
    case Condition::PrecisionUpSameScale:
      return from.params.size() == 2 && to.params.size() == 2 && to.params[1] == from.params[1] &&
             to.params[0] >= from.params[0];
    case Condition::DecimalWider:
      return from.params.size() == 2 && to.params.size() == 2 && to.params[1] >= from.params[1] &&
             to.params[0] - to.params[1] >= from.params[0] - from.params[1];
    case Condition::IntegerFits:
      return to.params.size() == 2 && to.params[0] - to.params[1] >= integer_digits(from.base);
  }
  return false;
}

int rank(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::None:
      return 0;
    case ChangeKind::Safe:
      return 1;
    case ChangeKind::Rewrite:
      return 2;
    case ChangeKind::Unknown:
      return 3;
    case ChangeKind::Breaking:
      return 4;
  }
  return 4;
}

void merge(ColumnChange& into, ColumnChange part) {
  if (part.kind == ChangeKind::None) return;
  if (rank(part.kind) > rank(into.kind)) {
    into.kind = part.kind;
    into.reason = std::move(part.reason);
  }
  if (part.what.empty()) return;
  into.what += into.what.empty() ? part.what : ", " + part.what;
}

}  // namespace

ColumnChange classify_type_change(std::string_view from, std::string_view to,
                                  SafetyDatabase database) {
  ColumnChange change;
  if (from == to) return change;
  change.what = fmt::format("{} -> {}", from, to);
  const ParsedType a = parse_type(from);
  const ParsedType b = parse_type(to);
  if (a.auto_increment == b.auto_increment && a.dimensions == b.dimensions && a.dimensions == 0) {
    for (const TypeChangeRule& rule : type_change_rules()) {
      if ((rule.databases & bit_of(database)) == 0 || rule.from != a.base || rule.to != b.base) {
        continue;
      }
      if (!holds(rule.condition, a, b)) continue;
      change.kind = rule.kind;
      change.reason = std::string(rule.reason);
      return change;
    }
  }
  change.kind = ChangeKind::Breaking;
  change.reason =
      "the new type does not hold every value the old code writes, or reads back "
      "differently";
  return change;
}

ColumnChange classify_column_change(const Column& before, const Column& after,
                                    SafetyDatabase database) {
  ColumnChange change;
  if (before.exists != after.exists) {
    change.kind = ChangeKind::Breaking;
    change.what = before.exists ? "the column goes away" : "a column appears";
    change.reason = "the field gains or loses its column";
    return change;
  }
  if (!before.exists) return change;
  // The foreign key: dropping it or its constraint relaxes; another target breaks.
  if (!after.references.empty() && after.constraint) {
    if (!before.references.empty() && before.constraint && before.references != after.references) {
      merge(change, {ChangeKind::Breaking, "the foreign key's target",
                     "the constraint now checks another table, which the old code's values "
                     "need not be in"});
    }
    // A constraint gained is add-foreign-key's finding (core/safety/added_constraints).
  } else if (!before.references.empty() && before.constraint) {
    merge(change, {ChangeKind::Safe, "the foreign key constraint is dropped",
                   "dropping a constraint relaxes"});
  }
  if (before.implicit_unique && !after.implicit_unique) {
    merge(change,
          {ChangeKind::Safe, "OneToOneField's unique is dropped", "dropping a constraint relaxes"});
  }
  // A CHECK (>= 0) gained is add-check-constraint's finding (core/safety/added_constraints),
  // which knows when the old values may be negative.
  if (before.non_negative && !after.non_negative) {
    merge(change,
          {ChangeKind::Safe, "the CHECK (>= 0) is dropped", "dropping a constraint relaxes"});
  }
  if (!before.type.empty() && !after.type.empty()) {
    merge(change, classify_type_change(before.type, after.type, database));
  } else if (before.signature != after.signature) {
    merge(change, {ChangeKind::Unknown, "", before.type.empty() ? before.unknown : after.unknown});
  }
  return change;
}

}  // namespace migline
