#include "core/text/text_edit.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("no edits give the source back") {
  CHECK(apply_edits("abc", {}) == "abc");
  CHECK(apply_edits("", {}) == "");
}

TEST_CASE("edits replace, insert and delete byte ranges") {
  CHECK(apply_edits("0002_a", {{0, 4, "0003"}}) == "0003_a");
  CHECK(apply_edits("ab", {{1, 0, "X"}}) == "aXb");
  CHECK(apply_edits("abcdef", {{2, 2, ""}}) == "abef");
  CHECK(apply_edits("abc", {{3, 0, "!"}}) == "abc!");
  CHECK(apply_edits("abc", {{0, 3, "xyz123"}}) == "xyz123");
}

TEST_CASE("edits apply in any order, each at its offset in the original source") {
  const std::string source = R"(dependencies = [("a", "0001_x"), ("b", "0002_y")])";
  const std::size_t first = source.find("0001_x");
  const std::size_t second = source.find("0002_y");
  const std::string expected = R"(dependencies = [("a", "0009_x"), ("b", "0010_longer")])";
  CHECK(apply_edits(source, {{first, 6, "0009_x"}, {second, 6, "0010_longer"}}) == expected);
  CHECK(apply_edits(source, {{second, 6, "0010_longer"}, {first, 6, "0009_x"}}) == expected);
}

TEST_CASE("adjacent edits do not disturb each other") {
  CHECK(apply_edits("abcd", {{2, 2, "YY"}, {0, 2, "XX"}}) == "XXYY");
}

TEST_CASE("a string literal keeps its prefix and quotes") {
  CHECK(rewrite_string_literal("'0003_a'", "0004_a") == "'0004_a'");
  CHECK(rewrite_string_literal("\"0003_a\"", "0004_a") == "\"0004_a\"");
  CHECK(rewrite_string_literal("u'0003_a'", "0004_a") == "u'0004_a'");
  CHECK(rewrite_string_literal("rb\"x\"", "y") == "rb\"y\"");
  CHECK(rewrite_string_literal("'''0003_a'''", "0004_a") == "'''0004_a'''");
  CHECK(rewrite_string_literal("\"\"\"0003\"\"\"", "0004") == "\"\"\"0004\"\"\"");
}

TEST_CASE("concatenated literals become one in the first literal's quotes") {
  CHECK(rewrite_string_literal("'0003_' \"a\"", "0004_a") == "'0004_a'");
  CHECK(rewrite_string_literal("\"0003_\" 'a'", "0004_a") == "\"0004_a\"");
}

TEST_CASE("an empty literal is one pair of quotes, not a triple") {
  CHECK(rewrite_string_literal("''", "0001_x") == "'0001_x'");
  CHECK(rewrite_string_literal("\"\"", "0001_x") == "\"0001_x\"");
}

TEST_CASE("text without a quote is replaced by the bare value") {
  CHECK(rewrite_string_literal("name", "0004_a") == "0004_a");
}

}  // namespace migline
