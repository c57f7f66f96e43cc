#include "core/safety/post_deploy_rules.hpp"

#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "core/safety/safety_replay.hpp"
#include "migration_source.hpp"

namespace migline {
namespace {

constexpr std::string_view kBase = R"(from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.AutoField(primary_key=True)),
                ("note", models.TextField(null=True)),
                ("code", models.CharField(max_length=5)),
                ("kind", models.CharField(max_length=5, db_default="a")),
            ],
        ),
    ]
)";

std::string migration(std::string_view operations) {
  return testing::migration_source(operations);
}

// The base migration, then `pre` (unless empty) before the deploy and `post` after it, both
// new on the branch; each finding as "file line:col rule".
std::vector<std::string> judge(const std::string& post, const std::string& pre = "",
                               bool post_deploy = true) {
  const MigrationOperations base_ops = read_migration_operations("0001.py", kBase);
  const MigrationOperations pre_ops = read_migration_operations("0002.py", pre);
  const MigrationOperations post_ops = read_migration_operations("0003.py", post);
  std::vector<ReplayedMigration> replay{{"shop", "0001.py", kBase, &base_ops, false}};
  if (!pre.empty()) replay.push_back({"shop", "0002.py", pre, &pre_ops, true});
  replay.push_back({"shop", "0003.py", post, &post_ops, true, post_deploy});
  std::vector<std::string> out;
  for (const Diagnostic& d : judge_migrations(replay, {})) {
    out.push_back(fmt::format("{} {}:{} {}", d.path, d.line, d.column, d.rule));
  }
  return out;
}

using Found = std::vector<std::string>;

}  // namespace

TEST_CASE("post-deploy: the intended drops are not findings, the new code's breakage is") {
  // A nullable column and one with a database default: the new code's INSERTs leave them out.
  CHECK(judge(migration("        migrations.RemoveField(\"order\", \"note\"),\n"
                        "        migrations.RemoveField(\"order\", \"kind\"),\n"
                        "        migrations.DeleteModel(\"Order\"),\n")) == Found{});
  // The same before the deploy: the old code still selects them.
  CHECK(judge(migration("        migrations.RemoveField(\"order\", \"note\"),\n"), "", false) ==
        Found{"0003.py 6:9 remove-field"});
  // NOT NULL without a database default: only safe once a pre-deploy step relaxed it.
  const std::string drop_code = migration("        migrations.RemoveField(\"order\", \"code\"),\n");
  CHECK(judge(drop_code) == Found{"0003.py 6:9 post-deploy-remove-not-null"});
  CHECK(judge(drop_code, migration("        migrations.AlterField(\"order\", \"code\", "
                                   "models.CharField(max_length=5, null=True)),\n")) == Found{});
  // Inside SeparateDatabaseAndState, the database side is what runs.
  CHECK(judge(migration("        migrations.SeparateDatabaseAndState(database_operations=[\n"
                        "            migrations.RemoveField(\"order\", \"code\"),\n"
                        "        ]),\n")) == Found{"0003.py 7:13 post-deploy-remove-not-null"});
}

TEST_CASE("post-deploy: NOT NULL after a backfill is intended, adding a column is not") {
  CHECK(judge(migration(
            "        migrations.AlterField(\"order\", \"note\", models.TextField()),\n")) ==
        Found{});
  CHECK(judge(migration("        migrations.AddField(\"order\", \"total\", "
                        "models.IntegerField(default=0)),\n")) ==
        Found{"0003.py 6:9 post-deploy-add-field"});
  CHECK(judge(migration("        migrations.AddField(\"order\", \"total\", "
                        "models.IntegerField(null=True)),\n")) ==
        Found{"0003.py 6:9 post-deploy-add-field"});
  // A rename breaks the new code until it ran: still reported (docs/decisions.md).
  CHECK(judge(migration("        migrations.RenameField(\"order\", \"note\", \"remark\"),\n")) ==
        Found{"0003.py 6:9 rename-field"});
}

}  // namespace migline
