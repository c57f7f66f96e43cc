#include "project/migration_packages.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

#include "core/django/migration_module.hpp"
#include "core/text/glob.hpp"
#include "core/text/repo_path.hpp"

namespace migline {
namespace {

// Whether the config's globs select the package in `app_dir`. A glob may name the app
// directory, one of its parents, or the `migrations` directory itself (the path that
// diagnostics show).
bool selected(const Config& config, const std::string& app_dir) {
  const std::string package = join_path(app_dir, "migrations");
  for (const std::string& glob : config.exclude) {
    if (glob_match_dir_or_parent(glob, package)) return false;
  }
  if (config.include.empty()) return true;
  return std::any_of(config.include.begin(), config.include.end(), [&](const std::string& glob) {
    return glob_match_dir_or_parent(glob, package);
  });
}

}  // namespace

std::vector<std::string> package_dirs(const std::vector<std::string>& paths, const Config& config) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    const std::optional<std::string_view> app_dir = package_app_dir(path);
    if (app_dir && selected(config, std::string(*app_dir))) out.emplace_back(*app_dir);
  }
  return out;
}

std::vector<std::size_t> module_paths(const std::vector<std::string>& paths,
                                      const std::vector<std::string>& app_dirs) {
  std::vector<std::size_t> out;
  for (const std::string& app_dir : app_dirs) {
    const std::string dir = join_path(app_dir, "migrations/");
    auto it = std::lower_bound(paths.begin(), paths.end(), dir);
    for (; it != paths.end() && it->compare(0, dir.size(), dir) == 0; ++it) {
      std::string_view name = migration_module_name(std::string_view(*it).substr(dir.size()));
      if (!name.empty() && name.find('.') == std::string_view::npos) {
        out.push_back(static_cast<std::size_t>(it - paths.begin()));
      }
    }
  }
  return out;
}

}  // namespace migline
