#pragma once

#include <optional>
#include <string_view>

namespace migline {

// What Django's MigrationLoader takes for a migrations package and its modules, by path alone.

// The file whose presence makes a `migrations` directory a package.
inline constexpr std::string_view kMigrationPackageMarker = "migrations/__init__.py";

// The app directory of a package marker: "shop/orders/migrations/__init__.py" -> "shop/orders",
// "migrations/__init__.py" -> "" (the root); nullopt for any other path, including
// "foomigrations/__init__.py".
std::optional<std::string_view> package_app_dir(std::string_view path);

// The module name of `file`, a path relative to a `migrations/` directory, when Django loads
// it: `*.py` directly there (no '/'), not starting with '_' or '~' (so not `__init__.py`);
// empty otherwise. A name holding '.' is returned: Django cannot import it (the loader says so).
std::string_view migration_module_name(std::string_view file);

// True for "<app dir>/migrations/<module>.py" whose module Django loads (see
// migration_module_name): directly inside a directory named exactly `migrations`.
bool is_migration_module_path(std::string_view path);

}  // namespace migline
