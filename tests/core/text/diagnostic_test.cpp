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

namespace migline {

TEST_CASE("rule_finding places a rule's finding at a span, an error unless told otherwise") {
  SourceSpan span;
  span.line = 4;
  span.column = 9;
  const Diagnostic d = rule_finding("a/migrations/0002_x.py", span, "divergent-leaves",
                                    "two leaves", "run `migline resolve`");
  CHECK(d.severity == Severity::Error);
  CHECK(d.path == "a/migrations/0002_x.py");
  CHECK(d.line == 4);
  CHECK(d.column == 9);
  CHECK(d.rule == "divergent-leaves");
  CHECK(d.message == "two leaves");
  CHECK(d.hint == "run `migline resolve`");
  CHECK(d.source_line.empty());
  CHECK(format_diagnostic(d, false) ==
        "a/migrations/0002_x.py:4:9: error: two leaves\nhint: run `migline resolve`\n");
  CHECK(rule_finding("p", span, "r", "m", "", Severity::Warning).severity == Severity::Warning);
}

}  // namespace migline

namespace migline {

TEST_CASE("join_spans covers both spans and keeps the first one's position") {
  SourceSpan first;
  first.offset = 10;
  first.length = 3;
  first.line = 2;
  first.column = 5;
  SourceSpan last;
  last.offset = 20;
  last.length = 4;
  last.line = 3;
  last.column = 1;
  const SourceSpan joined = join_spans(first, last);
  CHECK(joined.offset == 10);
  CHECK(joined.length == 14);
  CHECK(joined.line == 2);
  CHECK(joined.column == 5);
}

}  // namespace migline
