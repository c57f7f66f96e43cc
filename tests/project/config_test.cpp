#include "project/config.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("config reads every key") {
  auto config = parse_config(".migline.yaml",
                             "manifest:\n  path: db/lock.yaml\n  layout: per-app\n"
                             "include: ['apps/**']\nexclude: [legacy]\n"
                             "labels:\n  shop/users: accounts\n"
                             "settings: {AUTH_USER_MODEL: accounts.User}\n"
                             "protected_branch: trunk\nresolve: {strategy: merge}\n");
  REQUIRE(config);
  CHECK(config->manifest_path == "db/lock.yaml");
  CHECK(config->manifest_layout == ManifestLayout::PerApp);
  CHECK(config->include == std::vector<std::string>{"apps/**"});
  CHECK(config->labels.at("shop/users") == "accounts");
  CHECK(config->settings.at("AUTH_USER_MODEL") == "accounts.User");
  CHECK(config->protected_branch == "trunk");
  CHECK(config->resolve_strategy == "merge");
  CHECK_FALSE(config->resolve_auto);
}

TEST_CASE("resolve.auto is a boolean") {
  auto on = parse_config(".migline.yaml", "resolve: {auto: true}\n");
  REQUIRE(on);
  CHECK(on->resolve_auto);
  CHECK(on->resolve_strategy == "linearize");
  auto off = parse_config(".migline.yaml", "resolve:\n  auto: false\n");
  REQUIRE(off);
  CHECK_FALSE(off->resolve_auto);
  auto bad = parse_config(".migline.yaml", "resolve:\n  strategy: merge\n  auto: yes please\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().line == 3);
  CHECK(bad.error().message == "`resolve.auto` must be true or false");
  auto unknown = parse_config(".migline.yaml", "resolve:\n  automatic: true\n");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().line == 2);
  CHECK(unknown.error().hint == "known keys: strategy, auto");
}

TEST_CASE("empty config means defaults") {
  auto config = parse_config(".migline.yaml", "# nothing yet\n");
  REQUIRE(config);
  CHECK(config->manifest_path == "migrations.lock.yaml");
}

TEST_CASE("config errors carry line and column") {
  auto unknown = parse_config(".migline.yaml", "labels: {}\nmanifest:\n  pth: x\n");
  REQUIRE_FALSE(unknown);
  CHECK(format_diagnostic(unknown.error(), false) ==
        ".migline.yaml:3:3: error: unknown key 'pth' in `manifest`\n"
        "  pth: x\n"
        "  ^\n"
        "hint: known keys: path, layout\n");
  auto top = parse_config(".migline.yaml", "protected_branch: main\nstrategy: merge\n");
  REQUIRE_FALSE(top);
  CHECK(top.error().line == 2);
  CHECK(top.error().message == "unknown key 'strategy' in .migline.yaml");
  auto label = parse_config(".migline.yaml", "labels:\n  a/b: not-valid\n");
  REQUIRE_FALSE(label);
  CHECK(label.error().message == "'not-valid' is not a valid app label");
  CHECK(label.error().column == 8);
  auto syntax = parse_config(".migline.yaml", "labels: [\n");
  REQUIRE_FALSE(syntax);
  CHECK(syntax.error().line >= 1);
  auto layout = parse_config(".migline.yaml", "manifest: {layout: split}\n");
  REQUIRE_FALSE(layout);
  CHECK(layout.error().message == "unknown manifest layout 'split'");
}

TEST_CASE("config reads the safety block") {
  auto config = parse_config(".migline.yaml",
                             "safety:\n  database: mysql\n  off: [remove-field]\n"
                             "  warn: [delete-model, rename-field]\n  hook: off\n");
  REQUIRE(config);
  CHECK(config->safety.database == SafetyDatabase::MySQL);
  CHECK(config->safety.off.count("remove-field") == 1);
  CHECK(config->safety.warn.size() == 2);
  CHECK_FALSE(config->safety_hook);
  auto defaults = parse_config(".migline.yaml", "");
  REQUIRE(defaults);
  CHECK(defaults->safety.database == SafetyDatabase::PostgreSQL);
  CHECK(defaults->safety_hook);
  CHECK(defaults->safety.stages == DeployConvention::Off);
  for (const auto& [name, convention] :
       {std::pair{"syzygy", DeployConvention::Syzygy},
        std::pair{"safemigrate", DeployConvention::SafeMigrate},
        std::pair{"migline", DeployConvention::Migline}, std::pair{"off", DeployConvention::Off}}) {
    auto stages = parse_config(".migline.yaml", std::string("safety: {stages: ") + name + "}\n");
    REQUIRE(stages);
    CHECK(stages->safety.stages == convention);
  }
}

TEST_CASE("safety config errors carry line and column") {
  auto rule = parse_config(".migline.yaml", "safety:\n  off:\n    - remove-feild\n");
  REQUIRE_FALSE(rule);
  CHECK(rule.error().line == 3);
  CHECK(rule.error().column == 7);
  CHECK(rule.error().message == "unknown safety rule 'remove-feild'");
  CHECK(rule.error().hint.find("remove-field") != std::string::npos);
  auto key = parse_config(".migline.yaml", "safety:\n  databse: sqlite\n");
  REQUIRE_FALSE(key);
  CHECK(format_diagnostic(key.error(), false) ==
        ".migline.yaml:2:3: error: unknown key 'databse' in `safety`\n"
        "  databse: sqlite\n"
        "  ^\n"
        "hint: known keys: database, off, warn, hook, stages\n");
  auto database = parse_config(".migline.yaml", "safety: {database: oracle}\n");
  REQUIRE_FALSE(database);
  CHECK(database.error().message == "unknown database 'oracle'");
  auto hook = parse_config(".migline.yaml", "safety: {hook: block}\n");
  REQUIRE_FALSE(hook);
  CHECK(hook.error().message == "unknown hook setting 'block'");
  auto stages = parse_config(".migline.yaml", "safety:\n  stages: liquibase\n");
  REQUIRE_FALSE(stages);
  CHECK(stages.error().line == 2);
  CHECK(stages.error().message == "unknown deploy stages 'liquibase'");
}

}  // namespace migline
