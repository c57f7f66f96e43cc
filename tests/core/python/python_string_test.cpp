#include "core/python/python_string.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("string literals decode like Python") {
  CHECK(decode_string_literal("'abc'").value() == "abc");
  CHECK(decode_string_literal("\"a\\\"b\"").value() == "a\"b");
  CHECK(decode_string_literal("r'a\\nb'").value() == "a\\nb");
  CHECK(decode_string_literal("u'x'").value() == "x");
  CHECK(decode_string_literal("'''a\nb'''").value() == "a\nb");
  CHECK(decode_string_literal("'''a\r\nb'''").value() == "a\nb");
  CHECK(decode_string_literal("'\\x41\\u00e9\\101\\t'").value() ==
        "A\xC3\xA9"
        "A\t");
  CHECK(decode_string_literal("'a\\\nb'").value() == "ab");
  CHECK(decode_string_literal("'\\d'").value() == "\\d");
  CHECK(decode_string_literal("f'{{x}}'").value() == "{x}");
  CHECK(decode_string_literal("''").value().empty());
  CHECK(decode_string_literal("\"\"\"\"\"\"").value().empty());
}

TEST_CASE("string literals without a static str value are errors") {
  CHECK(decode_string_literal("b'x'").error().message == "bytes literal is not a str");
  auto f = decode_string_literal("f'0001_{name}'");
  CHECK(f.error().message == "f-string placeholder cannot be evaluated statically");
  CHECK(f.error().offset == 7);
  CHECK(decode_string_literal("'\\N{DASH}'").error().message ==
        "\\N{...} escapes are not supported");
  CHECK(decode_string_literal("'\\x4'").error().message == "truncated escape sequence");
  CHECK(decode_string_literal("'\\ud800'").error().message == "escape is not a valid character");
}

}  // namespace migline
