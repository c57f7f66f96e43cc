#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/safety/safety_replay.hpp"
#include "migration_source.hpp"

namespace migline::testing {

// The base migration of the new rules' tests: `shop.order` (a few columns) and `shop.customer`.
inline constexpr std::string_view kRulesBase = R"(from django.db import migrations, models


class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(
            name="Customer",
            fields=[("id", models.AutoField(primary_key=True))],
        ),
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.AutoField(primary_key=True)),
                ("note", models.TextField(null=True)),
                ("qty", models.IntegerField(default=0)),
                ("legacy", models.IntegerField(null=True)),
                ("buyer", models.ForeignKey("shop.customer", models.CASCADE, db_constraint=False)),
            ],
        ),
        migrations.CreateModel(
            name="Gone",
            fields=[("id", models.AutoField(primary_key=True))],
        ),
        migrations.DeleteModel("Gone"),
        migrations.RemoveField("order", "legacy"),
    ]
)";

// A migration with `body` in its class (after the class line) and `operations` in its list.
inline std::string rules_migration(std::string_view operations, std::string_view body = "") {
  return migration_source(operations, "", body);
}

// The base migration, then `branch` new on the branch; each finding as "line:col rule severity".
inline std::vector<std::string> judge_rules(const std::string& branch,
                                            SafetyDatabase database = SafetyDatabase::PostgreSQL) {
  const MigrationOperations base_ops = read_migration_operations("shop/0001.py", kRulesBase);
  const MigrationOperations branch_ops = read_migration_operations("shop/0002.py", branch);
  std::vector<ReplayedMigration> replay{{"shop", "shop/0001.py", kRulesBase, &base_ops, false},
                                        {"shop", "shop/0002.py", branch, &branch_ops, true}};
  SafetyOptions options;
  options.database = database;
  std::vector<std::string> out;
  for (const Diagnostic& d : judge_migrations(replay, options)) {
    out.push_back(fmt::format("{}:{} {} {}", d.line, d.column, d.rule, severity_name(d.severity)));
  }
  return out;
}

}  // namespace migline::testing
