#include "core/python/python_lexer.hpp"

#include <sys/mman.h>

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace migline {
namespace {

struct Lexed {
  std::vector<Token> tokens;
  std::string error;
};

Lexed lex(std::string_view source) {
  PythonLexer lexer(source);
  Lexed out;
  while (true) {
    Token t = lexer.next();
    out.tokens.push_back(t);
    if (t.kind == TokenKind::End) break;
    if (t.kind == TokenKind::Error) {
      out.error = lexer.error_message();
      break;
    }
  }
  return out;
}

std::vector<std::string> texts(const Lexed& lexed) {
  std::vector<std::string> out;
  for (const Token& t : lexed.tokens) {
    if (t.kind == TokenKind::Newline) {
      out.push_back("NL");
    } else if (t.kind == TokenKind::End) {
      out.push_back("END");
    } else {
      out.emplace_back(t.text);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("lexer splits a statement into tokens") {
  auto lexed = lex("deps = [('a', \"b\")]  # trailing comment\n");
  CHECK(texts(lexed) == std::vector<std::string>{"deps", "=", "[", "(", "'a'", ",", "\"b\"", ")",
                                                 "]", "NL", "END"});
  CHECK(lexed.tokens[0].starts_line);
  CHECK_FALSE(lexed.tokens[1].starts_line);
  CHECK(lexed.tokens[4].kind == TokenKind::String);
  CHECK(lexed.tokens[4].depth == 2);
}

TEST_CASE("lexer joins lines inside brackets and after a backslash") {
  auto lexed = lex("x = [\n  1,\n\n  2]\ny = 1 + \\\n  2\n");
  CHECK(texts(lexed) == std::vector<std::string>{"x", "=", "[", "1", ",", "2", "]", "NL", "y", "=",
                                                 "1", "+", "2", "NL", "END"});
  CHECK(lexed.tokens[8].span.line == 5);
  CHECK(lexed.tokens[12].span.line == 6);
}

TEST_CASE("lexer measures indentation of logical lines - tabs to multiples of 8") {
  auto lexed = lex("class A:\n    x = 1\n\t  y = 2\n  # comment at another depth\nz = 3\n");
  CHECK(lexed.tokens[4].text == "x");
  CHECK(lexed.tokens[4].indent == 4);
  CHECK(lexed.tokens[8].text == "y");
  CHECK(lexed.tokens[8].indent == 10);
  CHECK(lexed.tokens[12].text == "z");
  CHECK(lexed.tokens[12].indent == 0);
}

TEST_CASE("lexer keeps every string form whole") {
  auto lexed = lex(
      "a = r'\\'' + b\"x\" + Rb'y' + f'z' + u'w' + '''multi\nline''' + \"\"\"q\"\"\" + 'it\\'s'\n");
  std::vector<std::string> strings;
  for (const Token& t : lexed.tokens) {
    if (t.kind == TokenKind::String) strings.emplace_back(t.text);
  }
  CHECK(strings == std::vector<std::string>{"r'\\''", "b\"x\"", "Rb'y'", "f'z'", "u'w'",
                                            "'''multi\nline'''", "\"\"\"q\"\"\"", "'it\\'s'"});
  CHECK(lexed.error.empty());
}

TEST_CASE("lexer reports a position after a multi-line string on the right line") {
  auto lexed = lex("a = '''one\ntwo\nthree'''\nb = 1\n");
  const Token& b = lexed.tokens[4];
  CHECK(b.text == "b");
  CHECK(b.span.line == 4);
  CHECK(b.span.column == 1);
}

TEST_CASE("lexer accepts CRLF - lone CR and a BOM") {
  auto crlf = lex("\xEF\xBB\xBFx = 1\r\ny = [\r\n 2]\r\n");
  CHECK(texts(crlf) ==
        std::vector<std::string>{"x", "=", "1", "NL", "y", "=", "[", "2", "]", "NL", "END"});
  CHECK(crlf.tokens[0].span.column == 1);
  CHECK(crlf.tokens[4].span.line == 2);
  auto cr = lex("x = 1\ry = 2\r");
  CHECK(cr.tokens[4].span.line == 2);
}

TEST_CASE("lexer treats comment and docstring words as nothing special") {
  auto lexed = lex("# class Migration: dependencies = [\n\"\"\"class Migration:\n  [\"\"\"\n");
  CHECK(texts(lexed) == std::vector<std::string>{"\"\"\"class Migration:\n  [\"\"\"", "NL", "END"});
}

TEST_CASE("lexer accepts UTF-8 names and strings") {
  auto lexed = lex("caf\xC3\xA9 = '\xE2\x82\xAC'\n");
  CHECK(lexed.error.empty());
  CHECK(lexed.tokens[0].text == "caf\xC3\xA9");
}

TEST_CASE("lexer errors say what and where") {
  SECTION("unterminated string points at its start") {
    auto lexed = lex("x = 1\ny = 'abc\n");
    CHECK(lexed.error == "unterminated string");
    CHECK(lexed.tokens.back().span.line == 2);
    CHECK(lexed.tokens.back().span.column == 5);
  }
  SECTION("unterminated triple-quoted string") {
    auto lexed = lex("x = '''abc\n\n");
    CHECK(lexed.error == "unterminated triple-quoted string");
    CHECK(lexed.tokens.back().span.line == 1);
  }
  SECTION("NUL byte") {
    auto lexed = lex(std::string_view("x = 1\0", 6));
    CHECK(lexed.error == "NUL byte in source");
    CHECK(lexed.tokens.back().span.column == 6);
  }
  SECTION("invalid UTF-8") {
    CHECK(lex("x = '\xFF'\n").error == "invalid UTF-8");
    CHECK(lex("x\xC3").error == "invalid UTF-8");
    CHECK(lex("'\xED\xA0\x80'").error == "invalid UTF-8");  // a surrogate
  }
  SECTION("brackets") {
    CHECK(lex("x = (]\n").error == "closing ']' does not match '('");
    CHECK(lex("x = )\n").error == "unmatched ')'");
    CHECK(lex("x = [1,\n").error == "'[' was never closed");
  }
  SECTION("stray characters") {
    CHECK(lex("x = $\n").error == "unexpected character '$'");
    CHECK(lex("x = \\ y\n").error == "unexpected character after line continuation");
  }
}

TEST_CASE("lexer survives 100000 nested brackets without recursion") {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto lexed = lex(deep);
  CHECK(lexed.error.empty());
  CHECK(lexed.tokens.size() == 200002);
  auto open = lex(std::string(100000, '('));
  CHECK(open.error == "'(' was never closed");
}

TEST_CASE("lexer refuses a text too large for its spans") {
  // Address space only: the zero pages are never touched beyond the first.
  const std::size_t size = kMaxSourceSize + 1;
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  REQUIRE(data != MAP_FAILED);
  PythonLexer lexer(std::string_view(static_cast<const char*>(data), size));
  const Token t = lexer.next();
  CHECK(t.kind == TokenKind::Error);
  CHECK(lexer.error_message() == "the file is 4 GiB or larger");
  CHECK(t.span.offset == 0);
  CHECK(t.span.line == 1);
  ::munmap(data, size);
}

TEST_CASE("lexer returns End forever after the end") {
  PythonLexer lexer("");
  CHECK(lexer.next().kind == TokenKind::End);
  CHECK(lexer.next().kind == TokenKind::End);
}

}  // namespace migline
