#include "core/text/repo_path.hpp"

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

}  // namespace migline
