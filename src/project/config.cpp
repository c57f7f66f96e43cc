#include "project/config.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "fs/file_io.hpp"

namespace migline {
namespace {

// A configuration error, thrown only inside this file and turned into a Diagnostic.
struct ConfigError {
  YAML::Mark mark;
  std::string message;
  std::string hint;
};

bool is_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string scalar(const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar()) {
    throw ConfigError{node.Mark(), fmt::format("`{}` must be a string", key), {}};
  }
  return node.Scalar();
}

std::vector<std::string> string_list(const YAML::Node& node, std::string_view key) {
  if (node.IsNull()) return {};
  if (!node.IsSequence()) {
    throw ConfigError{node.Mark(), fmt::format("`{}` must be a list of globs", key), {}};
  }
  std::vector<std::string> out;
  for (const YAML::Node& item : node) out.push_back(scalar(item, key));
  return out;
}

std::map<std::string, std::string> string_map(const YAML::Node& node, std::string_view key) {
  if (node.IsNull()) return {};
  if (!node.IsMap()) throw ConfigError{node.Mark(), fmt::format("`{}` must be a mapping", key), {}};
  std::map<std::string, std::string> out;
  for (const auto& item : node) out[scalar(item.first, key)] = scalar(item.second, key);
  return out;
}

void check_keys(const YAML::Node& map, std::string_view where,
                std::initializer_list<std::string_view> known) {
  if (!map.IsMap()) {
    throw ConfigError{map.Mark(), fmt::format("{} must be a mapping", where), {}};
  }
  for (const auto& item : map) {
    const std::string key = item.first.IsScalar() ? item.first.Scalar() : "?";
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      throw ConfigError{item.first.Mark(), fmt::format("unknown key '{}' in {}", key, where),
                        fmt::format("known keys: {}", fmt::join(known, ", "))};
    }
  }
}

std::set<std::string, std::less<>> rule_set(const YAML::Node& node, std::string_view key) {
  std::set<std::string, std::less<>> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) {
    throw ConfigError{node.Mark(), fmt::format("`{}` must be a list of rule ids", key), {}};
  }
  for (const YAML::Node& item : node) {
    const std::string id = scalar(item, key);
    if (find_safety_rule(id) == nullptr) {
      std::vector<std::string_view> ids;
      for (const SafetyRule& rule : safety_rules()) ids.push_back(rule.id);
      throw ConfigError{item.Mark(), fmt::format("unknown safety rule '{}'", id),
                        fmt::format("known rules: {}", fmt::join(ids, ", "))};
    }
    out.insert(id);
  }
  return out;
}

// The scalar `node` (the setting `key`) as `parse` reads it (an optional); an unknown value is
// an error that names `what` it should be, with `hint` listing the choices.
template <typename Parse>
auto one_of(const YAML::Node& node, std::string_view key, Parse&& parse, std::string_view what,
            const char* hint) {
  const std::string name = scalar(node, key);
  auto parsed = parse(name);
  if (!parsed) throw ConfigError{node.Mark(), fmt::format("unknown {} '{}'", what, name), hint};
  return *parsed;
}

void parse_safety(const YAML::Node& safety, Config& config) {
  if (safety.IsNull()) return;
  check_keys(safety, "`safety`", {"database", "off", "warn", "hook", "stages"});
  if (const YAML::Node stages = safety["stages"]) {
    config.safety.stages = one_of(stages, "safety.stages", parse_deploy_convention, "deploy stages",
                                  "use `syzygy`, `safemigrate`, `migline` or `off`");
  }
  if (const YAML::Node database = safety["database"]) {
    config.safety.database = one_of(database, "safety.database", parse_safety_database, "database",
                                    "use `postgresql`, `mysql` or `sqlite`");
  }
  if (const YAML::Node off = safety["off"]) config.safety.off = rule_set(off, "safety.off");
  if (const YAML::Node warn = safety["warn"]) config.safety.warn = rule_set(warn, "safety.warn");
  if (const YAML::Node hook = safety["hook"]) {
    const std::string value = scalar(hook, "safety.hook");
    if (value != "warn" && value != "off") {
      throw ConfigError{hook.Mark(), fmt::format("unknown hook setting '{}'", value),
                        "use `warn` or `off`"};
    }
    config.safety_hook = value == "warn";
  }
}

void parse_conditions(const YAML::Node& conditions, Config& config) {
  for (const auto& [name, value] : string_map(conditions, "conditions")) {
    if (value != "true" && value != "false") {
      throw ConfigError{conditions[name].Mark(),
                        fmt::format("the value of `{}` must be true or false", name),
                        "write the condition as the migration does: `conditions: "
                        "{app_settings.SITES_ENABLED: true}`"};
    }
    config.conditions[name] = value == "true";
  }
}

void parse_replaces(const YAML::Node& replaces, Config& config) {
  if (replaces.IsNull()) return;
  if (!replaces.IsMap()) {
    throw ConfigError{replaces.Mark(), "`replaces` must be a mapping",
                      "write `replaces: {app_label.0005_squashed_0004: [0001_initial, ...]}`"};
  }
  for (const auto& item : replaces) {
    const std::string key = scalar(item.first, "replaces");
    const auto dot = key.find('.');
    if (dot == std::string::npos || !is_identifier(key.substr(0, dot))) {
      throw ConfigError{item.first.Mark(), fmt::format("'{}' is not a migration", key),
                        "name the squash as `app_label.0005_squashed_0004`"};
    }
    if (!item.second.IsNull() && !item.second.IsSequence()) {
      throw ConfigError{item.second.Mark(), fmt::format("`replaces.{}` must be a list", key),
                        "list the migrations it replaces, or `[]` for none of the files present"};
    }
    std::vector<std::string> entries = string_list(item.second, "replaces");
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string& entry = entries[i];
      const auto entry_dot = entry.find('.');
      if (entry.empty() || entry.front() == '.' || entry.back() == '.' ||
          (entry_dot != std::string::npos && entry.find('.', entry_dot + 1) != std::string::npos)) {
        throw ConfigError{item.second[i].Mark(), fmt::format("'{}' is not a migration", entry),
                          "write a name of the squash's app, or `app_label.name`"};
      }
    }
    config.replaces[key] = std::move(entries);
  }
}

void parse_alembic(const YAML::Node& alembic, Config& config) {
  if (alembic.IsNull()) return;
  check_keys(alembic, "`alembic`", {"histories", "constants"});
  if (const YAML::Node constants = alembic["constants"]) {
    for (const auto& [name, value] : string_map(constants, "alembic.constants")) {
      config.alembic.constants[name] = value;
    }
  }
  const YAML::Node histories = alembic["histories"];
  if (!histories || histories.IsNull()) return;
  if (!histories.IsSequence()) {
    throw ConfigError{histories.Mark(), "`alembic.histories` must be a list",
                      "write `histories: [{script_location: db/alembic}]`"};
  }
  for (const YAML::Node& item : histories) {
    check_keys(item, "an `alembic.histories` entry",
               {"script_location", "version_locations", "recursive"});
    AlembicHistoryConfig h;
    const YAML::Node location = item["script_location"];
    if (!location) {
      throw ConfigError{item.Mark(), "an `alembic.histories` entry needs `script_location`", {}};
    }
    h.script_location = scalar(location, "alembic.histories.script_location");
    if (const YAML::Node versions = item["version_locations"]) {
      h.version_locations = string_list(versions, "alembic.histories.version_locations");
    }
    if (const YAML::Node recursive = item["recursive"]) {
      const std::string value = scalar(recursive, "alembic.histories.recursive");
      if (value != "true" && value != "false") {
        throw ConfigError{recursive.Mark(), "`recursive` must be true or false", {}};
      }
      h.recursive = value == "true";
    }
    config.alembic.histories.push_back(std::move(h));
  }
}

Config parse(const YAML::Node& root) {
  Config config;
  if (root.IsNull()) return config;
  check_keys(root, ".migline.yaml",
             {"manifest", "include", "exclude", "labels", "settings", "conditions", "replaces",
              "protected_branch", "resolve", "safety", "alembic"});
  if (const YAML::Node manifest = root["manifest"]) {
    check_keys(manifest, "`manifest`", {"path", "layout"});
    if (const YAML::Node path = manifest["path"])
      config.manifest_path = scalar(path, "manifest.path");
    if (const YAML::Node layout = manifest["layout"]) {
      std::string value = scalar(layout, "manifest.layout");
      if (value == "single") {
        config.manifest_layout = ManifestLayout::Single;
      } else if (value == "per-app") {
        config.manifest_layout = ManifestLayout::PerApp;
      } else {
        throw ConfigError{layout.Mark(), fmt::format("unknown manifest layout '{}'", value),
                          "use `single` or `per-app`"};
      }
    }
  }
  if (const YAML::Node include = root["include"]) config.include = string_list(include, "include");
  if (const YAML::Node exclude = root["exclude"]) config.exclude = string_list(exclude, "exclude");
  if (const YAML::Node labels = root["labels"]) {
    config.labels = string_map(labels, "labels");
    for (const auto& item : labels) {
      if (!is_identifier(item.second.Scalar())) {
        throw ConfigError{item.second.Mark(),
                          fmt::format("'{}' is not a valid app label", item.second.Scalar()),
                          "an app label is a Python identifier"};
      }
    }
  }
  if (const YAML::Node settings = root["settings"]) {
    for (const auto& [name, model] : string_map(settings, "settings")) {
      config.settings.emplace(name, model);
    }
    for (const auto& item : settings) {
      if (item.second.Scalar().find('.') == std::string::npos) {
        throw ConfigError{item.second.Mark(),
                          fmt::format("'{}' is not a model reference", item.second.Scalar()),
                          "write it as `app_label.ModelName`, as in Django's settings"};
      }
    }
  }
  if (const YAML::Node conditions = root["conditions"]) parse_conditions(conditions, config);
  if (const YAML::Node replaces = root["replaces"]) parse_replaces(replaces, config);
  if (const YAML::Node branch = root["protected_branch"]) {
    config.protected_branch = scalar(branch, "protected_branch");
  }
  if (const YAML::Node resolve = root["resolve"]) {
    check_keys(resolve, "`resolve`", {"strategy", "auto"});
    if (const YAML::Node strategy = resolve["strategy"]) {
      config.resolve_strategy = scalar(strategy, "resolve.strategy");
      if (config.resolve_strategy != "linearize" && config.resolve_strategy != "merge") {
        throw ConfigError{strategy.Mark(),
                          fmt::format("unknown strategy '{}'", config.resolve_strategy),
                          "use `linearize` or `merge`"};
      }
    }
    if (const YAML::Node automatic = resolve["auto"]) {
      const std::string value = scalar(automatic, "resolve.auto");
      if (value == "true") {
        config.resolve_auto = true;
      } else if (value != "false") {
        throw ConfigError{automatic.Mark(), "`resolve.auto` must be true or false",
                          "write `resolve: {auto: true}`"};
      }
    }
  }
  if (const YAML::Node safety = root["safety"]) parse_safety(safety, config);
  if (const YAML::Node alembic = root["alembic"]) parse_alembic(alembic, config);
  return config;
}

}  // namespace

tl::expected<Config, Diagnostic> parse_config(std::string_view path, std::string_view text) {
  auto fail = [&](const YAML::Mark& mark, std::string message, std::string hint) {
    SourceSpan span;
    if (!mark.is_null() && mark.pos >= 0) {
      span = span_at(text, static_cast<std::size_t>(mark.pos));
    }
    return tl::make_unexpected(error_at(path, text, span, std::move(message), std::move(hint)));
  };
  try {
    return parse(YAML::Load(std::string(text)));
  } catch (const ConfigError& e) {
    return fail(e.mark, e.message, e.hint);
  } catch (const YAML::Exception& e) {
    return fail(e.mark, e.msg, "fix the YAML syntax");
  }
}

tl::expected<std::optional<Config>, ConfigFileError> read_config_file(const std::string& path,
                                                                      std::string_view shown_path) {
  auto text = read_file_if_present(path);
  if (!text) {
    return tl::make_unexpected(ConfigFileError{
        ConfigFileError::Unreadable, file_error(shown_path, "cannot read: " + text.error())});
  }
  if (!*text) return std::optional<Config>();
  auto config = parse_config(shown_path, **text);
  if (!config) {
    return tl::make_unexpected(
        ConfigFileError{ConfigFileError::Invalid, std::move(config.error())});
  }
  return std::optional<Config>(std::move(*config));
}

}  // namespace migline
