#include "core/django/migration_module.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("package_app_dir: the app directory of a migrations package marker") {
  CHECK(package_app_dir("shop/orders/migrations/__init__.py") == std::string_view("shop/orders"));
  CHECK(package_app_dir("orders/migrations/__init__.py") == std::string_view("orders"));
  CHECK(package_app_dir("migrations/__init__.py") == std::string_view(""));
  // A directory whose name merely ends in "migrations" is not one.
  CHECK_FALSE(package_app_dir("foomigrations/__init__.py"));
  CHECK_FALSE(package_app_dir("orders/foomigrations/__init__.py"));
  CHECK_FALSE(package_app_dir("orders/migrations/0001_initial.py"));
  CHECK_FALSE(package_app_dir("orders/migrations/sub/__init__.py"));
  CHECK_FALSE(package_app_dir("orders/migrations/__init__.pyc"));
}

TEST_CASE("migration_module_name: the modules Django loads from a package") {
  CHECK(migration_module_name("0001_initial.py") == "0001_initial");
  CHECK(migration_module_name("a.py") == "a");
  CHECK(migration_module_name("__init__.py").empty());
  CHECK(migration_module_name("_private.py").empty());
  CHECK(migration_module_name("~0001_backup.py").empty());
  CHECK(migration_module_name("0001_initial.pyc").empty());
  CHECK(migration_module_name(".py").empty());
  // Nested folders are not modules of this package.
  CHECK(migration_module_name("old/0001_initial.py").empty());
  // Django cannot import a name with '.', but it is a module name the loader reports.
  CHECK(migration_module_name("0001.initial.py") == "0001.initial");
}

TEST_CASE("is_migration_module_path: where the five copies of this rule disagreed") {
  CHECK(is_migration_module_path("orders/migrations/0001_initial.py"));
  CHECK(is_migration_module_path("migrations/0001_initial.py"));
  CHECK(is_migration_module_path("a/b/orders/migrations/0002_x.py"));
  CHECK_FALSE(is_migration_module_path("orders/migrations/__init__.py"));
  CHECK_FALSE(is_migration_module_path("orders/migrations/old/0001_initial.py"));
  CHECK_FALSE(is_migration_module_path("orders/foomigrations/0001_initial.py"));
  CHECK_FALSE(is_migration_module_path("orders/migrations/0001_initial.pyc"));
  CHECK_FALSE(is_migration_module_path("orders/migrations/_helpers.py"));
  CHECK_FALSE(is_migration_module_path("0001_initial.py"));
}

}  // namespace migline
