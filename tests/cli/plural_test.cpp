#include "cli/plural.hpp"

#include <catch2/catch.hpp>

namespace migline::cli {
namespace {

TEST_CASE("count_of: the noun agrees with the count") {
  CHECK(count_of(0, "app") == "0 apps");
  CHECK(count_of(1, "app") == "1 app");
  CHECK(count_of(2, "migration") == "2 migrations");
  CHECK(count_of(1, "leaf", "leaves") == "1 leaf");
  CHECK(count_of(3, "leaf", "leaves") == "3 leaves");
  CHECK(count_of(1, "file") == "1 file");
}

}  // namespace
}  // namespace migline::cli
