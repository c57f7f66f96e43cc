#include "core/text/repo_path.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("repository paths: basename, dirname, join") {
  CHECK(path_basename("a/b/c.py") == "c.py");
  CHECK(path_basename("c.py") == "c.py");
  CHECK(path_basename("a/") == "");
  CHECK(path_dirname("a/b/c.py") == "a/b");
  CHECK(path_dirname("c.py") == "");
  CHECK(join_path("", "c.py") == "c.py");
  CHECK(join_path("a/b", "c.py") == "a/b/c.py");
}

TEST_CASE("the directory of a repository path") {
  CHECK(path_dirname("shop/orders/migrations/0001_a.py") == "shop/orders/migrations");
  CHECK(path_dirname("orders/apps.py") == "orders");
  CHECK(path_dirname("migrations.lock.yaml") == "");
  CHECK(path_dirname("") == "");
  CHECK(path_dirname("/top") == "");
  CHECK(path_dirname("a/b/") == "a/b");
  CHECK(path_dirname(path_dirname("shop/orders/migrations/max_migration.txt")) == "shop/orders");
}

TEST_CASE("the last component of a repository path") {
  CHECK(path_basename("shop/orders/migrations/0001_a.py") == "0001_a.py");
  CHECK(path_basename("migrations.lock.yaml") == "migrations.lock.yaml");
  CHECK(path_basename("") == "");
  CHECK(path_basename("a/b/") == "");
  CHECK(path_basename("/top") == "top");
}

TEST_CASE("dirname and basename split a path at its last slash and nowhere else") {
  for (std::string_view path : {"a/b/c.py", "x/y", "a//b"}) {
    INFO(path);
    const std::string joined =
        std::string(path_dirname(path)) + "/" + std::string(path_basename(path));
    CHECK(joined == path);
  }
  // A view into the argument, not a copy.
  const std::string_view path = "p/q.py";
  CHECK(path_basename(path).data() == path.data() + 2);
  CHECK(path_dirname(path).data() == path.data());
}

}  // namespace migline
