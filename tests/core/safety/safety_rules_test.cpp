#include "core/safety/safety_replay.hpp"

#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

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
            ],
        ),
    ]
)";

std::string migration(std::string_view operations, std::string_view class_comment = "") {
  return testing::migration_source(operations, class_comment);
}

// The base migration, then `branch` as new on the branch; each finding as "line:col rule sev".
std::vector<std::string> judge(const std::string& branch, const SafetyOptions& options = {}) {
  const MigrationOperations base_ops = read_migration_operations("shop/0001.py", kBase);
  const MigrationOperations branch_ops = read_migration_operations("shop/0002.py", branch);
  std::vector<ReplayedMigration> replay{{"shop", "shop/0001.py", kBase, &base_ops, false},
                                        {"shop", "shop/0002.py", branch, &branch_ops, true}};
  std::vector<std::string> out;
  for (const Diagnostic& d : judge_migrations(replay, options)) {
    out.push_back(fmt::format("{}:{} {} {}", d.line, d.column, d.rule, severity_name(d.severity)));
  }
  return out;
}

using Found = std::vector<std::string>;

}  // namespace

TEST_CASE("safety: each finding points at its operation") {
  const std::string m = migration(
      "        migrations.RemoveField(\"order\", \"note\"),\n"
      "        migrations.AlterField(\"order\", \"code\", models.CharField(max_length=3)),\n");
  CHECK(judge(m) == Found{"6:9 remove-field error", "7:9 alter-column error"});
  const MigrationOperations ops = read_migration_operations("shop/0002.py", m);
  std::vector<ReplayedMigration> replay{{"shop", "shop/0002.py", m, &ops, true}};
  const Diagnostics d = judge_migrations(replay, {});
  REQUIRE(d.size() == 2);  // a model no replayed migration made exists, fields unknown
  CHECK(d[0].source_line == "        migrations.RemoveField(\"order\", \"note\"),");
  CHECK(d[1].severity == Severity::Note);
}

TEST_CASE("safety: the state follows earlier operations of the same migration") {
  CHECK(judge(migration(
            "        migrations.AlterField(\"order\", \"note\", models.TextField()),\n")) ==
        Found{"6:9 make-field-not-null error"});
  CHECK(
      judge(
          migration(
              "        migrations.RenameField(\"order\", \"note\", \"text\"),  # migline: allow "
              "rename-field -- in two steps\n"
              "        migrations.AlterField(\"order\", \"text\", models.TextField(null=True)),\n"))
          .empty());
  CHECK(judge(migration(
            "        migrations.AlterField(\"order\", \"note\", models.TextField(null=True)),\n"
            "        migrations.AlterField(\"order\", \"note\", models.TextField()),\n")) ==
        Found{"7:9 make-field-not-null error"});
}

TEST_CASE("safety: options turn rules off, into warnings, and choose the database") {
  const std::string m = migration(
      "        migrations.RemoveField(\"order\", \"note\"),\n"
      "        migrations.AddIndex(\"order\", models.Index(fields=[\"code\"], name=\"i\")),\n");
  CHECK(judge(m) == Found{"6:9 remove-field error", "7:9 add-index-locks warning"});
  SafetyOptions options;
  options.warn.insert("remove-field");
  options.database = SafetyDatabase::SQLite;
  CHECK(judge(m, options) == Found{"6:9 remove-field warning"});
  options.off.insert("remove-field");
  CHECK(judge(m, options).empty());
}

TEST_CASE("safety: opt-outs on the class, on any line of the operation, and their reasons") {
  const std::string ops =
      "        migrations.RemoveField(\n            \"order\", \"note\"\n        ),\n";
  CHECK(judge(migration(ops, "  # migline: allow remove-field -- unused since v41")).empty());
  CHECK(judge(migration(ops, "  # migline: allow remove-field")) ==
        Found{"4:41 allow-without-reason warning"});
  CHECK(judge(migration(ops, "  # migline: allow delete-model -- wrong rule")) ==
        Found{"6:9 remove-field error"});
  CHECK(judge(migration("        migrations.RemoveField(\n            \"order\", \"note\"  # "
                        "migline: allow remove-field -- why\n        ),\n"))
            .empty());
  CHECK(judge(migration("        IgnoreMigration(),\n" + ops)).empty());
}

TEST_CASE("safety: unknown values are notes, not verdicts") {
  CHECK(judge(migration("        migrations.AddField(\"order\", \"x\", build_field()),\n")) ==
        Found{"6:9 add-not-null-field note"});
  CHECK(judge(migration(
            "        migrations.AddField(\"order\", \"x\", models.TextField(null=NULLABLE)),\n")) ==
        Found{"6:9 add-not-null-field note"});
  CHECK(judge(migration("        *more,\n")) == Found{"4:7 operations-unreadable note"});
  CHECK(judge(migration("        migrations.RemoveField(MODEL, \"note\"),\n")) ==
        Found{"6:9 remove-field note"});
}

TEST_CASE("safety: every rule has an id, a severity and a safe sequence") {
  for (const SafetyRule& rule : safety_rules()) {
    CHECK(find_safety_rule(rule.id) == &rule);
    CHECK_FALSE(rule.safe.empty());
  }
  CHECK(find_safety_rule("remove-feild") == nullptr);
  CHECK(safety_rules().size() == 20);
}

}  // namespace migline
