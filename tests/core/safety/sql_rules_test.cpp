#include "core/safety/sql_rules.hpp"

#include <catch2/catch.hpp>

#include "judge_helper.hpp"

namespace migline {
namespace {

using testing::judge_rules;
using testing::rules_migration;
using Found = std::vector<std::string>;

std::string run_sql(std::string_view sql_argument, std::string_view rest = "") {
  return rules_migration("        migrations.RunSQL(" + std::string(sql_argument) +
                         ", migrations.RunSQL.noop" + std::string(rest) + "),\n");
}

}  // namespace

TEST_CASE("RunSQL: each statement is judged by the operation's rule, at its line and column") {
  CHECK(
      judge_rules(run_sql("\"ALTER TABLE shop_order DROP COLUMN note; DROP TABLE shop_order\"")) ==
      Found{"6:28 remove-field error", "6:69 delete-model error"});
  CHECK(judge_rules(run_sql("\"\"\"\n"
                            "            -- the old name stays readable\n"
                            "            ALTER TABLE \"shop_order\" RENAME COLUMN note TO body;\n"
                            "            ALTER TABLE shop_order ALTER COLUMN qty TYPE bigint,\n"
                            "                ALTER COLUMN note SET NOT NULL;\n"
                            "        \"\"\"")) == Found{"8:13 rename-field error",
                                                        "9:13 alter-column-locks warning",
                                                        "9:13 make-field-not-null error"});
  // The state knows qty is an integer: int4 is the same type, smallint narrows it.
  CHECK(judge_rules(run_sql("\"ALTER TABLE shop_order ALTER COLUMN qty TYPE int4; "
                            "ALTER TABLE shop_order ALTER COLUMN qty TYPE smallint\"")) ==
        Found{"6:79 alter-column error"});
  // The old type read from the state: varchar or text to text changes the catalog only; a
  // narrowing, or a type migline cannot compare, is an error.
  CHECK(judge_rules(run_sql("\"ALTER TABLE shop_order ALTER note TYPE text, ALTER note TYPE "
                            "varchar(9), ALTER qty TYPE smallint\"")) ==
        Found{"6:28 alter-column error", "6:28 alter-column error"});
  CHECK(judge_rules(run_sql("[\"CREATE INDEX i ON shop_order (qty)\", (\"CREATE UNIQUE INDEX "
                            "CONCURRENTLY j ON shop_order (note)\", [])]",
                            "")) == Found{"6:29 add-index-locks warning",
                                          "6:68 concurrent-index-in-atomic error",
                                          "6:68 add-unique error"});
  CHECK(
      judge_rules(run_sql("\"ALTER TABLE shop_order ADD CONSTRAINT c CHECK (qty >= 0), "
                          "ADD CONSTRAINT f FOREIGN KEY (buyer_id) REFERENCES shop_customer (id), "
                          "ADD COLUMN x int NOT NULL\"")) ==
      Found{"6:28 add-check-constraint error", "6:28 add-foreign-key warning",
            "6:28 add-not-null-field error"});
  CHECK(judge_rules(run_sql("'ALTER TABLE shop_order RENAME TO orders'")) ==
        Found{"6:28 alter-db-table error"});
  CHECK(judge_rules(run_sql("'ALTER TABLE auth_user DROP COLUMN x'")) ==
        Found{"6:28 remove-field note"});
  CHECK(judge_rules(run_sql("'ALTER TABLE shop_order_id_seq RENAME TO shop_purchase_id_seq'"))
            .empty());
}

TEST_CASE("RunSQL: what is cheap or touches nothing the old code uses is not flagged") {
  CHECK(judge_rules(run_sql("\"ALTER TABLE shop_order ADD CONSTRAINT c CHECK (qty >= 0) NOT VALID; "
                            "ALTER TABLE shop_order ADD CONSTRAINT u UNIQUE USING INDEX u_idx; "
                            "ALTER TABLE shop_order ALTER COLUMN note DROP NOT NULL; "
                            "UPDATE shop_order SET qty = 0 WHERE qty IS NULL\""))
            .empty());
  // Created on the branch, by CreateModel or by SQL; deleted from the state or removed from the
  // model at the base (the second step of a two-release drop).
  CHECK(judge_rules(
            rules_migration(
                "        migrations.CreateModel(\"Line\", [(\"id\", "
                "models.AutoField(primary_key=True))]),"
                "\n        migrations.RunSQL(\"CREATE TABLE t (a int); CREATE INDEX i ON t (a); "
                "ALTER TABLE shop_line DROP COLUMN id; DROP INDEX i; DROP TABLE shop_gone; "
                "ALTER TABLE shop_order DROP COLUMN legacy\", migrations.RunSQL.noop),\n"))
            .empty());
  CHECK(judge_rules(run_sql("\"CREATE INDEX CONCURRENTLY i ON shop_order (qty)\""),
                    SafetyDatabase::PostgreSQL) == Found{"6:28 concurrent-index-in-atomic error"});
  CHECK(judge_rules(run_sql("\"CREATE INDEX CONCURRENTLY i ON shop_order (qty)\""),
                    SafetyDatabase::MySQL)
            .empty());
}

TEST_CASE("RunSQL: NOT VALID, then VALIDATE in the same transaction, is no NOT VALID") {
  const std::string two_steps =
      "        migrations.RunSQL(\"ALTER TABLE shop_order ADD CONSTRAINT c CHECK (qty >= 0) NOT "
      "VALID\", migrations.RunSQL.noop),\n"
      "        migrations.RunSQL(\"ALTER TABLE shop_order VALIDATE CONSTRAINT c\", "
      "migrations.RunSQL.noop),\n";
  CHECK(judge_rules(rules_migration(two_steps)) == Found{"7:28 add-check-constraint error"});
  CHECK(judge_rules(rules_migration(two_steps, "    atomic = False\n")).empty());
  CHECK(judge_rules(run_sql("\"ALTER TABLE shop_order VALIDATE CONSTRAINT c\"")).empty());
}

TEST_CASE("RunSQL: atomic = False, reverse_sql, and SQL that is not a literal") {
  const std::string concurrent =
      "        migrations.RunSQL(\"CREATE INDEX CONCURRENTLY i ON shop_order (qty)\",\n"
      "                          \"DROP INDEX CONCURRENTLY i\"),\n";
  CHECK(judge_rules(rules_migration(concurrent, "    atomic = False\n")).empty());
  CHECK(judge_rules(rules_migration(concurrent)) ==
        Found{"6:28 concurrent-index-in-atomic error", "7:28 concurrent-index-in-atomic error"});
  CHECK(judge_rules(run_sql("SQL")) == Found{"6:27 runsql-unreadable note"});
  CHECK(judge_rules(run_sql("\"DROP TABLE %s\" % name")) == Found{"6:27 runsql-unreadable note"});
  CHECK(judge_rules(run_sql("[(\"UPDATE shop_order SET qty = %s\", [1]), f\"DROP {x}\"]")) ==
        Found{"6:69 runsql-unreadable note"});
  // An escape before the statement still points at it; an opt-out on the call's line applies.
  CHECK(judge_rules(run_sql("'SELECT \\'a\\';\\nDROP TABLE shop_order'")) ==
        Found{"6:43 delete-model error"});
  CHECK(
      judge_rules(
          rules_migration(
              "        migrations.RunSQL(  # migline: allow delete-model -- "
              "unused since v3\n            \"DROP TABLE shop_order\", migrations.RunSQL.noop),\n"))
          .empty());
}

}  // namespace migline
