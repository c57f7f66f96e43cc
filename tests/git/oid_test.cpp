#include "git/oid.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("an object id round-trips through its hex") {
  const std::string hex = "0123456789abcdef0123456789abcdef01234567";
  const auto id = parse_oid(hex);
  REQUIRE(id);
  CHECK(id->id[0] == 0x01);
  CHECK(id->id[19] == 0x67);
  CHECK(oid_hex(*id) == hex);
}

TEST_CASE("hex that is not exactly 40 hex digits is no object id") {
  CHECK_FALSE(parse_oid(""));
  CHECK_FALSE(parse_oid("0123456789abcdef0123456789abcdef0123456"));
  CHECK_FALSE(parse_oid("0123456789abcdef0123456789abcdef012345678"));
  CHECK_FALSE(parse_oid("0123456789abcdef0123456789abcdef0123456g"));
  CHECK_FALSE(parse_oid("HEAD"));
}

TEST_CASE("the zero id is 40 zeros") {
  const git_oid zero{};
  CHECK(oid_hex(zero) == std::string(40, '0'));
}

}  // namespace migline
