#include "core/text/glob.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("glob wildcards stay within components - ** spans them") {
  CHECK(glob_match("legacy/*", "legacy/orders"));
  CHECK_FALSE(glob_match("legacy/*", "legacy/orders/x"));
  CHECK(glob_match("**/vendor", "a/b/vendor"));
  CHECK(glob_match("**/vendor", "vendor"));
  CHECK(glob_match("src/**", "src/a/b"));
  CHECK(glob_match("a/**/b", "a/b"));
  CHECK(glob_match("a/**/b", "a/x/y/b"));
  CHECK_FALSE(glob_match("a/**/b", "a/xb"));
  CHECK(glob_match("app?", "app1"));
  CHECK_FALSE(glob_match("app?", "app/"));
  CHECK(glob_match("[ab]pp", "bpp"));
  CHECK(glob_match("[!ab]pp", "cpp"));
  CHECK_FALSE(glob_match("[!ab]pp", "app"));
  CHECK(glob_match("x[", "x["));
}

TEST_CASE("a glob matching a parent directory matches what is below it") {
  CHECK(glob_match_dir_or_parent("legacy", "legacy/orders"));
  CHECK(glob_match_dir_or_parent("*/old", "shop/old/payments"));
  CHECK_FALSE(glob_match_dir_or_parent("legacy", "legacy2/orders"));
}

}  // namespace migline
