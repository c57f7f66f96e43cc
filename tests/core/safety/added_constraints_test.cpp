#include "core/safety/added_constraints.hpp"

#include <catch2/catch.hpp>

#include "judge_helper.hpp"

namespace migline {
namespace {

using testing::judge_rules;
using testing::rules_migration;
using Found = std::vector<std::string>;

}  // namespace

TEST_CASE("add-foreign-key: a constrained relation added to a table of the base") {
  const std::string fk =
      "        migrations.AddField(\"order\", \"payer\", models.ForeignKey(\"shop.customer\", "
      "models.CASCADE, null=True)),\n";
  CHECK(judge_rules(rules_migration(fk)) == Found{"6:9 add-foreign-key warning"});
  CHECK(judge_rules(rules_migration(fk), SafetyDatabase::MySQL) ==
        Found{"6:9 add-foreign-key warning"});
  CHECK(judge_rules(rules_migration(fk), SafetyDatabase::SQLite).empty());
  CHECK(judge_rules(rules_migration(
                        "        migrations.AddField(\"order\", \"payer\", models.OneToOneField("
                        "to=\"shop.customer\", on_delete=models.CASCADE, null=True, "
                        "db_constraint=False)),\n"))
            .empty());
  CHECK(judge_rules(rules_migration(
            "        migrations.AddField(\"order\", \"node\", TreeForeignKey(\"shop.customer\", "
            "models.CASCADE, null=True, db_constraint=FLAG)),\n")) ==
        Found{"6:9 add-foreign-key note"});
  // A table created on the branch has no old code reading it.
  CHECK(judge_rules(rules_migration("        migrations.CreateModel(\"Line\", [(\"id\", "
                                    "models.AutoField(primary_key=True))]),"
                                    "\n        migrations.AddField(\"line\", \"order\", "
                                    "models.ForeignKey(\"shop.order\", "
                                    "models.CASCADE, null=True)),\n"))
            .empty());
}

TEST_CASE("add-foreign-key: AlterField that creates the constraint") {
  CHECK(judge_rules(rules_migration(
            "        migrations.AlterField(\"order\", \"buyer\", models.ForeignKey("
            "\"shop.customer\", models.CASCADE)),\n")) == Found{"6:9 add-foreign-key warning"});
  CHECK(judge_rules(
            rules_migration(
                "        migrations.AlterField(\"order\", \"buyer\", models.ForeignKey("
                "\"shop.customer\", models.CASCADE, db_constraint=False, related_name=\"x\")),\n"))
            .empty());
}

TEST_CASE("add-check-constraint: CheckConstraint and a Positive*Field on a table of the base") {
  CHECK(judge_rules(rules_migration(
            "        migrations.AddConstraint(\"order\", models.CheckConstraint(check=models.Q("
            "qty__gte=0), name=\"qty_positive\")),\n")) == Found{"6:9 add-check-constraint error"});
  CHECK(judge_rules(rules_migration(
            "        migrations.AlterField(\"order\", \"qty\", models.PositiveIntegerField("
            "default=0)),\n")) == Found{"6:9 add-check-constraint error"});
  // Widening as well: the table rewrite is alter-column-locks'. Dropping the CHECK is not this
  // rule's business.
  CHECK(judge_rules(rules_migration("        migrations.AlterField(\"order\", \"qty\", "
                                    "models.PositiveBigIntegerField(default=0)),\n")) ==
        Found{"6:9 add-check-constraint error", "6:9 alter-column-locks warning"});
  CHECK(judge_rules(
            rules_migration(
                "        migrations.CreateModel(\"Line\", [(\"id\", "
                "models.AutoField(primary_key=True)),"
                " (\"n\", models.IntegerField())]),\n"
                "        migrations.AddConstraint(\"line\", models.CheckConstraint(check=models.Q("
                "n__gte=0), name=\"n_positive\")),\n"))
            .empty());
}

TEST_CASE("concurrent-index-in-atomic: CONCURRENTLY needs atomic = False") {
  const std::string ops =
      "        AddIndexConcurrently(\"order\", models.Index(fields=[\"note\"], name=\"i\")),\n"
      "        RemoveIndexConcurrently(\"order\", \"j\"),\n";
  CHECK(judge_rules(rules_migration(ops)) ==
        Found{"6:9 concurrent-index-in-atomic error", "7:9 concurrent-index-in-atomic error"});
  CHECK(judge_rules(rules_migration(ops, "    atomic = False\n")).empty());
  CHECK(judge_rules(rules_migration(ops, "    atomic = settings.ATOMIC\n")) ==
        Found{"7:9 concurrent-index-in-atomic note", "8:9 concurrent-index-in-atomic note"});
  CHECK(judge_rules(rules_migration(ops), SafetyDatabase::MySQL).empty());
}

}  // namespace migline
