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

namespace migline {

TEST_CASE("hex_value reads one hexadecimal digit, either case; anything else is -1") {
  CHECK(hex_value('0') == 0);
  CHECK(hex_value('9') == 9);
  CHECK(hex_value('a') == 10);
  CHECK(hex_value('F') == 15);
  CHECK(hex_value('g') == -1);
  CHECK(hex_value('G') == -1);
  CHECK(hex_value('/') == -1);
  CHECK(hex_value(':') == -1);
  CHECK(hex_value('@') == -1);
  CHECK(hex_value('`') == -1);
}

TEST_CASE("append_utf8 encodes one to four bytes") {
  std::string out;
  append_utf8(out, 0x41);
  append_utf8(out, 0xE9);
  append_utf8(out, 0x20AC);
  append_utf8(out, 0x1F600);
  CHECK(out == "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

}  // namespace migline
