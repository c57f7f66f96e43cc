#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/django/migration_operations.hpp"
#include "core/safety/deploy_stage.hpp"
#include "core/safety/safety_rules.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// Project-wide choices of `.migline.yaml` `safety:`.
struct SafetyOptions {
  SafetyDatabase database = SafetyDatabase::PostgreSQL;
  std::set<std::string, std::less<>> off;           // rules not run
  std::set<std::string, std::less<>> warn;          // error rules reported as warnings
  SwappableSettings settings;                       // `settings:` of the config (AUTH_USER_MODEL)
  DeployConvention stages = DeployConvention::Off;  // what an unmarked migration is
};

// One migration to replay: its operations as read, and whether it is new on the branch.
struct ReplayedMigration {
  std::string app;
  std::string path;
  std::string_view source;
  const MigrationOperations* operations = nullptr;
  bool on_branch = false;
  bool post_deploy = false;  // runs once only the new code is live: judged against it
};

// Replays `migrations` (in an order where every migration follows its dependencies) into a
// ProjectState and judges the database operations of those on the branch against the state
// before each one. Opt-outs (`# migline: allow RULE -- reason` on the operation's lines or on
// `class Migration`, IgnoreMigration()) and `options` apply; an opt-out without a reason or
// naming no rule is a warning. Findings carry `path:line:col`, the source line and the hint.
Diagnostics judge_migrations(const std::vector<ReplayedMigration>& migrations,
                             const SafetyOptions& options);

}  // namespace migline
