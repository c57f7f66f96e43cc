#include "core/safety/sql_statement.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace migline {
namespace {

const char* kind_name(SqlActionKind k) {
  switch (k) {
    case SqlActionKind::CreateTable:
      return "create-table";
    case SqlActionKind::DropTable:
      return "drop-table";
    case SqlActionKind::RenameTable:
      return "rename-table";
    case SqlActionKind::AddColumn:
      return "add-column";
    case SqlActionKind::DropColumn:
      return "drop-column";
    case SqlActionKind::RenameColumn:
      return "rename-column";
    case SqlActionKind::AlterColumnType:
      return "alter-type";
    case SqlActionKind::SetNotNull:
      return "set-not-null";
    case SqlActionKind::AddConstraint:
      return "add-constraint";
    case SqlActionKind::ValidateConstraint:
      return "validate";
    case SqlActionKind::CreateIndex:
      return "create-index";
    case SqlActionKind::DropIndex:
      return "drop-index";
    case SqlActionKind::Other:
      return "other";
  }
  return "?";
}

const char* constraint_name(SqlConstraintKind k) {
  switch (k) {
    case SqlConstraintKind::None:
      return "";
    case SqlConstraintKind::Check:
      return " check";
    case SqlConstraintKind::ForeignKey:
      return " fk";
    case SqlConstraintKind::Unique:
      return " unique";
    case SqlConstraintKind::PrimaryKey:
      return " pk";
    case SqlConstraintKind::Exclude:
      return " exclude";
  }
  return "?";
}

// Each action as "@offset kind table.column [-> new] [flags]".
std::vector<std::string> classify(std::string_view sql, SqlDialect d = SqlDialect::PostgreSQL) {
  std::vector<std::string> out;
  for (const SqlAction& a : classify_sql(sql, d)) {
    std::string s = "@" + std::to_string(a.offset) + " " + kind_name(a.kind);
    if (!a.table.empty() || !a.column.empty()) s += " " + a.table;
    if (!a.column.empty()) s += "." + a.column;
    if (!a.index.empty()) s += " index " + a.index;
    if (!a.new_name.empty()) s += " -> " + a.new_name;
    if (!a.constraint_name.empty()) s += " named " + a.constraint_name;
    if (!a.new_type.empty()) s += " type " + a.new_type;
    s += constraint_name(a.constraint);
    if (a.unique) s += " unique";
    if (a.concurrently) s += " concurrently";
    if (a.not_valid) s += " not-valid";
    if (a.using_index) s += " using-index";
    if (a.not_null) s += " not-null";
    if (a.has_default) s += " default";
    if (a.no_transaction) s += " no-transaction";
    out.push_back(s);
  }
  return out;
}

using Actions = std::vector<std::string>;

}  // namespace

TEST_CASE("sql: statements, their offsets and what each does") {
  CHECK(classify("ALTER TABLE shop_order DROP COLUMN note; DROP TABLE shop_archive") ==
        Actions{"@0 drop-column shop_order.note", "@41 drop-table shop_archive"});
  CHECK(classify("  \n  alter table \"Shop\".\"Order\" rename column note to comment;\n") ==
        Actions{"@5 rename-column Order.note -> comment"});
  CHECK(classify("ALTER TABLE t RENAME TO u") == Actions{"@0 rename-table t -> u"});
  CHECK(classify("ALTER TABLE t RENAME c TO d") == Actions{"@0 rename-column t.c -> d"});
  CHECK(classify("ALTER TABLE t ALTER COLUMN c TYPE numeric(10, 2) USING c::numeric") ==
        Actions{"@0 alter-type t.c type numeric"});
  CHECK(classify("ALTER TABLE t ALTER c SET DATA TYPE text, ALTER d SET NOT NULL") ==
        Actions{"@0 alter-type t.c type text", "@0 set-not-null t.d"});
  CHECK(classify("ALTER TABLE t ALTER c DROP NOT NULL, ALTER c SET DEFAULT 0") ==
        Actions{"@0 other t.c", "@0 other t.c"});
  CHECK(classify("DROP TABLE IF EXISTS a, public.b CASCADE") ==
        Actions{"@0 drop-table a", "@0 drop-table b"});
  CHECK(classify("RENAME TABLE a TO b, c TO d", SqlDialect::MySQL) ==
        Actions{"@0 rename-table a -> b", "@0 rename-table c -> d"});
  CHECK(classify("UPDATE t SET c = 1 WHERE d IS NULL; SELECT 1") ==
        Actions{"@0 other", "@36 other"});
  CHECK(classify("CREATE TABLE IF NOT EXISTS log (id serial)") == Actions{"@0 create-table log"});
}

TEST_CASE("sql: constraints, and NOT VALID or USING INDEX that make them cheap") {
  CHECK(classify("ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0)") ==
        Actions{"@0 add-constraint t named c check"});
  CHECK(classify("ALTER TABLE t ADD CONSTRAINT c CHECK (x > 0) NOT VALID") ==
        Actions{"@0 add-constraint t named c check not-valid"});
  CHECK(classify("ALTER TABLE t ADD FOREIGN KEY (u_id) REFERENCES u (id) DEFERRABLE") ==
        Actions{"@0 add-constraint t fk"});
  CHECK(classify("ALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX k_idx") ==
        Actions{"@0 add-constraint t named k unique using-index"});
  CHECK(classify("ALTER TABLE t ADD PRIMARY KEY (a, b)") == Actions{"@0 add-constraint t pk"});
  CHECK(classify("ALTER TABLE t VALIDATE CONSTRAINT c, DROP CONSTRAINT d") ==
        Actions{"@0 validate t named c", "@0 other t"});
  CHECK(classify("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0 CHECK (c >= 0)") ==
        Actions{"@0 add-column t.c check not-null default"});
  CHECK(classify("ALTER TABLE t ADD u_id bigint REFERENCES u (id)") ==
        Actions{"@0 add-column t.u_id fk"});
}

TEST_CASE("sql: indexes, CONCURRENTLY and what refuses a transaction") {
  CHECK(classify("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON ONLY s.t (a)") ==
        Actions{"@0 create-index t index i unique concurrently no-transaction"});
  CHECK(classify("create index on t using gin (a)") == Actions{"@0 create-index t"});
  CHECK(classify("DROP INDEX CONCURRENTLY IF EXISTS i, j") ==
        Actions{"@0 drop-index index i concurrently no-transaction",
                "@0 drop-index index j concurrently no-transaction"});
  CHECK(classify("DROP INDEX i ON t", SqlDialect::MySQL) == Actions{"@0 drop-index t index i"});
  CHECK(classify("CREATE INDEX i USING BTREE ON t (a)", SqlDialect::MySQL) ==
        Actions{"@0 create-index t index i"});
  CHECK(classify("REINDEX (VERBOSE) INDEX CONCURRENTLY i") ==
        Actions{"@0 other concurrently no-transaction"});
  CHECK(classify("ALTER TABLE p DETACH PARTITION c CONCURRENTLY") ==
        Actions{"@0 other p concurrently no-transaction"});
  CHECK(classify("VACUUM ANALYZE t") == Actions{"@0 other no-transaction"});
  CHECK(classify("ALTER TABLE t ADD INDEX i (a), MODIFY c varchar(9)", SqlDialect::MySQL) ==
        Actions{"@0 other t", "@0 alter-type t.c"});
  CHECK(classify("ALTER TABLE t CHANGE a b int, CHANGE c c bigint", SqlDialect::MySQL) ==
        Actions{"@0 rename-column t.a -> b", "@0 alter-type t.c -> c"});
}

TEST_CASE("sql: comments, strings, quoted identifiers and dollar quotes hide what they hold") {
  CHECK(classify("-- DROP TABLE a;\n/* DROP TABLE b; /* nested; */ still; */ SELECT 1") ==
        Actions{"@58 other"});
  CHECK(classify("INSERT INTO t VALUES ('a;DROP TABLE x', E'it\\'s; DROP TABLE y')") ==
        Actions{"@0 other"});
  CHECK(classify("ALTER TABLE \"we;ird\"\"s\" DROP COLUMN \"Note\"") ==
        Actions{"@0 drop-column we;ird\"s.Note"});
  CHECK(classify("CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN DROP TABLE x; END; "
                 "$body$ LANGUAGE plpgsql; DO $$ BEGIN ALTER TABLE y DROP COLUMN z; END $$") ==
        Actions{"@0 other", "@96 other"});
  CHECK(classify("SELECT $1; DROP TABLE t") == Actions{"@0 other", "@11 drop-table t"});
  CHECK(classify("# DROP TABLE a;\nSELECT 'it\\'s;'", SqlDialect::MySQL) == Actions{"@16 other"});
  CHECK(classify("ALTER TABLE `order` DROP `note`", SqlDialect::MySQL) ==
        Actions{"@0 drop-column order.note"});
  CHECK(classify("SELECT %s; UPDATE t SET a = %(v)s") == Actions{"@0 other", "@11 other"});
  CHECK(classify(";; \n ;").empty());
  CHECK(classify("DROP TABLE 'unterminated").size() == 1);
  CHECK(classify("/* unterminated").empty());
}

}  // namespace migline
