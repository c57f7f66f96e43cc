#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/django/django_migration.hpp"
#include "core/safety/safety_replay.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

inline constexpr std::string_view kConfigFileName = ".migline.yaml";

enum class ManifestLayout { Single, PerApp };

// An Alembic history `.migline.yaml` declares: what only `env.py` knows.
struct AlembicHistoryConfig {
  std::string script_location;                 // relative to the project root
  std::vector<std::string> version_locations;  // relative to the root; empty: <location>/versions
  bool recursive = false;                      // also the sub-directories of each of them
};

// `alembic:` in `.migline.yaml`.
struct AlembicConfig {
  std::vector<AlembicHistoryConfig> histories;
  // Names the revision files use for literals, e.g. neutron's cli.CONTRACT_BRANCH: contract.
  std::map<std::string, std::string, std::less<>> constants;
};

// The optional `.migline.yaml` at the project root; defaults when absent.
struct Config {
  std::string manifest_path = "migrations.lock.yaml";
  ManifestLayout manifest_layout = ManifestLayout::Single;
  std::vector<std::string> include;           // globs; empty means everything
  std::vector<std::string> exclude;           // globs, added to the default excludes
  std::map<std::string, std::string> labels;  // app directory -> app label
  SwappableSettings settings;                 // e.g. AUTH_USER_MODEL -> accounts.User
  // `conditions:` the value of a condition dependency lists test (`A if COND else B`), by COND
  // as the files write it, e.g. app_settings.SITES_ENABLED -> true.
  std::map<std::string, bool, std::less<>> conditions;
  // `replaces:` what a squash computed at import replaces, by `app_label.name`: each entry a
  // name of the same app or `app_label.name`; empty when it replaces none of the files present.
  std::map<std::string, std::vector<std::string>, std::less<>> replaces;
  std::string protected_branch;  // empty: remote HEAD, else main, else master
  std::string resolve_strategy = "linearize";
  SafetyOptions safety;     // `safety:` database, off, warn
  bool safety_hook = true;  // `safety: {hook: off}` silences the pre-commit hook's warnings
  // `resolve: {auto: true}`: a merge completes without stopping (the merge driver writes a
  // divergent entry instead of a conflict) and the post-merge hook linearizes it.
  bool resolve_auto = false;
  AlembicConfig alembic;
};

// Parses the text of `.migline.yaml`; unknown keys and wrong types are an error at
// `path:line:col`.
tl::expected<Config, Diagnostic> parse_config(std::string_view path, std::string_view text);

// Why a `.migline.yaml` on disk gave no config.
struct ConfigFileError {
  enum Kind {
    Unreadable,  // it exists but cannot be read: `cannot read: CAUSE`
    Invalid,     // it was read and parse_config refused it
  } kind = Unreadable;
  Diagnostic diagnostic;
};

// The `.migline.yaml` at `path` on disk, its diagnostics naming it `shown_path`: std::nullopt
// when nothing is there (ENOENT, ENOTDIR); an error when it cannot be read or is not valid. A
// file that cannot be read is never taken for an absent one.
tl::expected<std::optional<Config>, ConfigFileError> read_config_file(const std::string& path,
                                                                      std::string_view shown_path);

}  // namespace migline
