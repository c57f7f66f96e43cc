#include "core/django/migration_module.hpp"

#include "core/text/repo_path.hpp"

namespace migline {

std::optional<std::string_view> package_app_dir(std::string_view path) {
  if (path == kMigrationPackageMarker) return std::string_view();
  const std::size_t n = kMigrationPackageMarker.size();
  if (path.size() <= n || path.substr(path.size() - n) != kMigrationPackageMarker ||
      path[path.size() - n - 1] != '/') {
    return std::nullopt;
  }
  return path.substr(0, path.size() - n - 1);
}

std::string_view migration_module_name(std::string_view file) {
  if (file.find('/') != std::string_view::npos || file.size() < 4 ||
      file.substr(file.size() - 3) != ".py" || file[0] == '_' || file[0] == '~') {
    return {};
  }
  return file.substr(0, file.size() - 3);
}

bool is_migration_module_path(std::string_view path) {
  const std::string_view dir = path_dirname(path);
  return path_basename(dir) == "migrations" && !migration_module_name(path_basename(path)).empty();
}

}  // namespace migline
