#include "core/python/string_offsets.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "core/python/python_string.hpp"

namespace migline {
namespace {

// The source offsets of the value of the literals that make all of `source` after `at`.
std::vector<std::uint32_t> offsets(std::string_view source, std::size_t at,
                                   std::string_view value) {
  SourceSpan span;
  span.offset = static_cast<std::uint32_t>(at);
  span.length = static_cast<std::uint32_t>(source.size() - at);
  return string_value_offsets(source, span, value);
}

using Offsets = std::vector<std::uint32_t>;

}  // namespace

TEST_CASE("string offsets: plain, concatenated, triple-quoted and raw literals") {
  CHECK(offsets("x = 'ab'", 4, "ab") == Offsets{5, 6});
  CHECK(offsets("('a'  # c\n  \"b\")", 1, "ab").empty());  // the span must hold only literals
  CHECK(offsets("'a'  # c\n  \"b\"", 0, "ab") == Offsets{1, 12});
  CHECK(offsets("\"\"\"a\r\nb\"\"\"", 0, "a\nb") == Offsets{3, 4, 6});
  CHECK(offsets("r'\\d'", 0, "\\d") == Offsets{2, 3});
  CHECK(offsets("f'{{x}}'", 0, "{x}") == Offsets{2, 4, 5});
  CHECK(offsets("'' 'x'", 0, "x") == Offsets{4});
}

TEST_CASE("string offsets: escapes map to their backslash") {
  CHECK(offsets("'a\\nb'", 0, "a\nb") == Offsets{1, 2, 4});
  CHECK(offsets("'\\xe9'", 0, "\xc3\xa9") == Offsets{1, 1});
  CHECK(offsets("'\\101\\d'", 0, "A\\d") == Offsets{1, 5, 6});
  CHECK(offsets("'a\\\nb'", 0, "ab") == Offsets{1, 4});
}

TEST_CASE("string offsets: a value it cannot read, or a different one, gives nothing") {
  CHECK(offsets("b'x'", 0, "x").empty());
  CHECK(offsets("f'{x}'", 0, "").empty());
  CHECK(offsets("'\\N{DASH}'", 0, "-").empty());
  CHECK(offsets("'ab'", 0, "ac").empty());
  CHECK(offsets("'unterminated", 0, "unterminated").empty());
}

TEST_CASE("string offsets: the value agrees with decode_string_literal") {
  for (std::string_view literal :
       {"'plain'", "\"\\t\\x41\\u00e9\\U0001F600\\7\\q\"", "R'''a\\b'''", "u'x'"}) {
    auto decoded = decode_string_literal(literal);
    REQUIRE(decoded);
    CHECK(offsets(literal, 0, *decoded).size() == decoded->size());
  }
}

}  // namespace migline
