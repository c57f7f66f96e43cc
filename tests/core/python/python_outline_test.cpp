#include "core/python/python_outline.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace migline {
namespace {

// Writes down what the walker shows it: "class X", "X.first-token" (with "?" when
// conditional) and "module.first-token".
class Recorder : public ClassVisitor {
 public:
  std::vector<std::string> seen;

  void class_begin(const Token& name) override {
    current_ = std::string(name.text);
    seen.push_back("class " + current_);
  }
  void statement(TokenStream& tokens, const Token& first, bool conditional) override {
    (void)tokens;
    seen.push_back(current_ + "." + std::string(first.text) + (conditional ? "?" : ""));
  }
  void module_statement(TokenStream& tokens, const Token& first) override {
    (void)tokens;
    seen.push_back("module." + std::string(first.text));
  }

 private:
  std::string current_;
};

std::vector<std::string> walk(const std::string& source, Diagnostics* diagnostics = nullptr) {
  TokenStream tokens("m.py", source);
  Recorder recorder;
  visit_classes(tokens, recorder);
  if (diagnostics) *diagnostics = tokens.diagnostics();
  return recorder.seen;
}

using Seen = std::vector<std::string>;

}  // namespace

TEST_CASE("top-level classes and the statements of their bodies") {
  const std::string source = R"(from django.db import migrations
X = 1

class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("a", "0001"),
    ]
    operations = []

class Other:
    b = 2
)";
  CHECK(walk(source) == Seen{"module.from", "module.X", "class Migration", "Migration.initial",
                             "Migration.dependencies", "Migration.operations", "class Other",
                             "Other.b"});
}

TEST_CASE("nested functions and classes are skipped, blocks are conditional") {
  const std::string source = R"(class Migration:
    def forwards(apps, schema_editor):
        hidden = 1
    class Meta:
        hidden = 2
    @property
    def p(self):
        hidden = 3
    if settings.X:
        dependencies = []
    else:
        dependencies = [1]
    for x in y:
        run_before = []
    after = 1
)";
  CHECK(walk(source) == Seen{"class Migration", "Migration.if?", "Migration.dependencies?",
                             "Migration.else?", "Migration.dependencies?", "Migration.for?",
                             "Migration.run_before?", "Migration.after"});
}

TEST_CASE("statements separated by semicolons are visited one by one") {
  CHECK(walk("class A:\n    a = 1; b = 2\n") == Seen{"class A", "A.a", "A.b"});
  CHECK(walk("class A: a = 1; b = 2\n") == Seen{"class A", "A.a", "A.b"});
}

TEST_CASE("a class body ends at the first line back at column 0") {
  CHECK(walk("class A:\n    a = 1\nb = 2\nclass C:\n    c = 3\n") ==
        Seen{"class A", "A.a", "module.b", "class C", "C.c"});
}

TEST_CASE("a class inside a function or block at module level is not top-level") {
  CHECK(walk("def f():\n    class A:\n        a = 1\nif x:\n    class B:\n        b = 1\n") ==
        Seen{"module.def", "module.if"});
}

TEST_CASE("an unindent that matches no level is reported, and the walk goes on") {
  Diagnostics diagnostics;
  const Seen seen = walk("class A:\n        a = 1\n    b = 2\n        c = 3\n", &diagnostics);
  CHECK(seen == Seen{"class A", "A.a", "A.c"});
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].message == "unindent does not match any outer indentation level");
  CHECK(diagnostics[0].line == 3);
}

TEST_CASE("a lexing error stops the walk and is reported once") {
  Diagnostics diagnostics;
  const Seen seen = walk("class A:\n    a = 'unterminated\n    b = 2\n", &diagnostics);
  CHECK(seen == Seen{"class A", "A.a"});
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].rule == "parse-error");
}

TEST_CASE("adjacent string literals are read as one value with their span") {
  TokenStream tokens("m.py", "'0001_' \"initial\" rest\n");
  const auto literal = read_string_literal(tokens, "hint");
  REQUIRE(literal);
  CHECK(literal->value == "0001_initial");
  CHECK(literal->parts == 2);
  CHECK(literal->span.offset == 0);
  CHECK(literal->span.length == 17);
  CHECK(tokens.peek().text == "rest");
}

TEST_CASE("no string literal consumes nothing") {
  TokenStream tokens("m.py", "name\n");
  CHECK_FALSE(read_string_literal(tokens, "hint"));
  CHECK(tokens.peek().text == "name");
  CHECK(tokens.diagnostics().empty());
}

TEST_CASE("an undecodable literal is reported at its bad escape, with the hint") {
  TokenStream tokens("m.py", "x = '\\N{NO SUCH NAME}'\n");
  tokens.take();
  tokens.take();
  CHECK_FALSE(read_string_literal(tokens, "write the name plainly"));
  REQUIRE(tokens.diagnostics().size() == 1);
  CHECK(tokens.diagnostics()[0].hint == "write the name plainly");
  CHECK(tokens.diagnostics()[0].column == 6);
}

TEST_CASE("skip_statement stops at a semicolon, skip_line past the newline") {
  TokenStream tokens("m.py", "a = f(1; 2); b\nc\n");
  tokens.skip_statement();
  CHECK(tokens.peek().is_op(";"));
  tokens.skip_line();
  CHECK(tokens.peek().text == "c");
}

}  // namespace migline
