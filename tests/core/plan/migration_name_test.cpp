#include "core/plan/migration_name.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("a name splits at its leading digits") {
  const MigrationNumber n = split_migration_number("0042_order_status");
  CHECK(n.value == 42);
  CHECK(n.digits == "0042");
  CHECK(n.suffix == "_order_status");

  const MigrationNumber bare = split_migration_number("0007");
  CHECK(bare.value == 7);
  CHECK(bare.digits == "0007");
  CHECK(bare.suffix.empty());

  const MigrationNumber wide = split_migration_number("12345_x");
  CHECK(wide.value == 12345);
  CHECK(wide.digits == "12345");
}

TEST_CASE("a name without a leading number has no digits") {
  for (const char* name : {"initial", "_0001", "m0001_v1", ""}) {
    INFO(name);
    const MigrationNumber n = split_migration_number(name);
    CHECK(n.digits.empty());
    CHECK(n.value == 0);
    CHECK(n.suffix == name);
  }
}

TEST_CASE("at most 18 digits are read as the number") {
  const MigrationNumber n = split_migration_number("1234567890123456789_x");
  CHECK(n.digits == "123456789012345678");
  CHECK(n.value == 123456789012345678L);
  CHECK(n.suffix == "9_x");
}

TEST_CASE("numbered names are zero-padded to the width, never cut") {
  CHECK(numbered_name(43, 4, "_x") == "0043_x");
  CHECK(numbered_name(7, 1, "") == "7");
  CHECK(numbered_name(12345, 4, "_big") == "12345_big");
  CHECK(numbered_name(0, 3, "_a") == "000_a");
}

TEST_CASE("the renamed counterpart has the same suffix and another number") {
  const std::vector<std::string> names{"0001_initial", "0003_add_total", "0003_other",
                                       "0004_add_status"};
  CHECK(renamed_counterpart("0002_add_total", names) == "0003_add_total");
  CHECK(renamed_counterpart("0002_add_status", names) == "0004_add_status");
  // The same number is the same name, not a rename.
  CHECK(renamed_counterpart("0003_add_total", names) == std::nullopt);
  CHECK(renamed_counterpart("0002_missing", names) == std::nullopt);
  CHECK(renamed_counterpart("initial", names) == std::nullopt);
}

TEST_CASE("two candidates are no counterpart") {
  const std::vector<std::string> names{"0003_a", "0004_a"};
  CHECK(renamed_counterpart("0002_a", names) == std::nullopt);
  CHECK(renamed_counterpart("0003_a", names) == "0004_a");
}

TEST_CASE("names without a number are never counterparts") {
  const std::vector<std::string> names{"_a", "0005_a"};
  CHECK(renamed_counterpart("0002_a", names) == "0005_a");
}

TEST_CASE("plain names are letters, digits and underscores") {
  CHECK(is_plain_name("0001_initial"));
  CHECK(is_plain_name("Order"));
  CHECK(is_plain_name("_"));
  CHECK_FALSE(is_plain_name(""));
  CHECK_FALSE(is_plain_name("0001-initial"));
  CHECK_FALSE(is_plain_name("a.b"));
  CHECK_FALSE(is_plain_name("a b"));
  CHECK_FALSE(is_plain_name("caf\xc3\xa9"));
  CHECK_FALSE(is_plain_name("../x"));
}

}  // namespace migline
