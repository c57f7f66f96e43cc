#include "core/text/diagnostic.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("diagnostics print like a compiler's") {
  const std::string source = "line one\n  bad = thing\n";
  Diagnostic d = error_at("a/b.py", source, span_at(source, 17), "it is bad", "make it good");
  CHECK(d.line == 2);
  CHECK(d.column == 9);
  CHECK(format_diagnostic(d, false) ==
        "a/b.py:2:9: error: it is bad\n  bad = thing\n        ^\nhint: make it good\n");
  CHECK(format_diagnostic(d, true).find("\x1b[1;31merror") != std::string::npos);
}

TEST_CASE("caret counts code points and keeps tabs") {
  const std::string source = "\t\xC3\xA9 = x\n";
  Diagnostic d = error_at("f.py", source, span_at(source, 6), "here");
  CHECK(format_diagnostic(d, false) == "f.py:1:7: error: here\n\t\xC3\xA9 = x\n\t    ^\n");
}

TEST_CASE("control bytes and invalid UTF-8 are shown as ? with the caret aligned") {
  const std::string source = std::string("a\0b\xFF\xC3\xA9 x\x1b[", 10) + "\n";
  Diagnostic d = error_at("f.py", source, span_at(source, 7), "here");
  CHECK(format_diagnostic(d, false) == "f.py:1:8: error: here\na?b?\xC3\xA9 x?[\n      ^\n");
}

TEST_CASE("very long lines are shown around the column") {
  std::string source(1000000, 'x');
  Diagnostic d = error_at("f.py", source, span_at(source, 500000), "here");
  std::string text = format_diagnostic(d, false);
  CHECK(text.size() < 400);
  CHECK(text.find("f.py:1:500001: error: here\n") == 0);
}

TEST_CASE("span_at counts CRLF and CR as one line break") {
  CHECK(span_at("a\r\nb\rc", 5).line == 3);
  CHECK(span_at("a\r\nb\rc", 5).column == 1);
}

}  // namespace migline
