#include "project/config.hpp"

#include <sys/stat.h>

#include <cstdio>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

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

TEST_CASE("config states conditions and computed replaces") {
  auto config = parse_config(".migline.yaml",
                             "conditions: {app_settings.SITES_ENABLED: false}\n"
                             "replaces:\n  core.0001_squashed: [0001_initial, other.0002_x]\n"
                             "  core.0009_squashed: []\n");
  REQUIRE(config);
  CHECK(config->conditions.at("app_settings.SITES_ENABLED") == false);
  CHECK(config->replaces.at("core.0001_squashed") ==
        std::vector<std::string>{"0001_initial", "other.0002_x"});
  CHECK(config->replaces.at("core.0009_squashed").empty());
  auto value = parse_config(".migline.yaml", "conditions:\n  FLAG: maybe\n");
  REQUIRE_FALSE(value);
  CHECK(value.error().message == "the value of `FLAG` must be true or false");
  CHECK(value.error().line == 2);
  auto key = parse_config(".migline.yaml", "replaces:\n  0001_squashed: []\n");
  REQUIRE_FALSE(key);
  CHECK(key.error().message == "'0001_squashed' is not a migration");
  auto entry = parse_config(".migline.yaml", "replaces:\n  core.0001_s: [a.b.c]\n");
  REQUIRE_FALSE(entry);
  CHECK(entry.error().message == "'a.b.c' is not a migration");
  CHECK(entry.error().column == 17);
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

namespace migline {

TEST_CASE("a config file on disk: absent, unreadable, invalid or read") {
  TempDir dir;
  const std::string path = dir.path + "/.migline.yaml";
  auto absent = read_config_file(path, ".migline.yaml");
  REQUIRE(absent);
  CHECK_FALSE(*absent);
  auto below_a_file = read_config_file(path + "/.migline.yaml", ".migline.yaml");
  REQUIRE(below_a_file);  // ENOTDIR is absent too
  CHECK_FALSE(*below_a_file);

  spit(path, "resolve: {auto: true}\n");
  auto read = read_config_file(path, ".migline.yaml");
  REQUIRE(read);
  REQUIRE(*read);
  CHECK((*read)->resolve_auto);

  spit(path, "resolve: {auto: maybe}\n");
  auto invalid = read_config_file(path, "shown.yaml");
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().kind == ConfigFileError::Invalid);
  CHECK(invalid.error().diagnostic.path == "shown.yaml");
  CHECK(invalid.error().diagnostic.line == 1);

  // Something that exists but cannot be read as a file (root reads any mode, so a directory).
  REQUIRE(std::remove(path.c_str()) == 0);
  REQUIRE(::mkdir(path.c_str(), 0755) == 0);
  auto unreadable = read_config_file(path, ".migline.yaml");
  REQUIRE_FALSE(unreadable);
  CHECK(unreadable.error().kind == ConfigFileError::Unreadable);
  CHECK(unreadable.error().diagnostic.path == ".migline.yaml");
  CHECK(unreadable.error().diagnostic.message.rfind("cannot read: ", 0) == 0);
}

}  // namespace migline
