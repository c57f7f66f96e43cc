#include "core/python/python_expression.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace migline {
namespace {

struct Read {
  PyExpr expr;
  std::string next;  // the text of the token the reader stopped before
};

Read read(const std::string& source) {
  TokenStream tokens("m.py", source);
  Read out;
  out.expr = read_python_expression(tokens);
  out.next = std::string(tokens.peek().text);
  return out;
}

std::string rendered(const std::string& source) {
  return read(source).expr.render();
}

}  // namespace

TEST_CASE("constants: strings, numbers, True, False and None") {
  const PyExpr s = read("'0001_' \"initial\"\n").expr;
  CHECK(s.kind == PyExpr::Kind::String);
  CHECK(s.text == "0001_initial");
  CHECK(s.is_constant());
  CHECK(s.span.offset == 0);
  CHECK(s.span.length == 17);

  const PyExpr n = read("0x1F\n").expr;
  CHECK(n.kind == PyExpr::Kind::Number);
  CHECK(n.text == "0x1F");
  CHECK(n.is_constant());

  CHECK(read("None\n").expr.is_constant());
  CHECK(read("True\n").expr.is_constant());
  const PyExpr name = read("settings\n").expr;
  CHECK(name.kind == PyExpr::Kind::Name);
  CHECK_FALSE(name.is_constant());
}

TEST_CASE("a bytes literal is not a known string") {
  const PyExpr e = read("b'x'\n").expr;
  CHECK(e.kind == PyExpr::Kind::Unknown);
  CHECK(e.text.empty());
}

TEST_CASE("a call keeps its dotted name, positional and keyword arguments") {
  const PyExpr e =
      read("migrations.AddField('order', name='total', field=models.IntegerField(default=0))\n")
          .expr;
  REQUIRE(e.kind == PyExpr::Kind::Call);
  CHECK(e.text == "migrations.AddField");
  CHECK(e.last_name() == "AddField");
  REQUIRE(e.items.size() == 1);
  CHECK(e.items[0].text == "order");
  REQUIRE(e.keyword("name"));
  CHECK(e.keyword("name")->text == "total");
  CHECK(e.keyword("missing") == nullptr);
  CHECK(e.argument(0, "model_name")->text == "order");
  CHECK(e.argument(1, "name")->text == "total");
  CHECK(e.argument(2, "absent") == nullptr);
  const PyExpr* field = e.keyword("field");
  REQUIRE(field);
  CHECK(field->kind == PyExpr::Kind::Call);
  CHECK(field->last_name() == "IntegerField");
  CHECK_FALSE(e.starred);
  CHECK(e.render() ==
        "migrations.AddField('order', name='total', field=models.IntegerField(default=0))");
}

TEST_CASE("displays: lists, tuples, sets and dicts") {
  CHECK(read("[1, 'a', (2, 3)]\n").expr.kind == PyExpr::Kind::List);
  CHECK(rendered("[1, 'a', (2, 3)]\n") == "[1, 'a', (2, 3)]");
  CHECK(read("(1,)\n").expr.kind == PyExpr::Kind::Tuple);
  CHECK(read("{1, 2}\n").expr.kind == PyExpr::Kind::Set);
  const PyExpr d = read("{'a': 1, 'b': [2]}\n").expr;
  CHECK(d.kind == PyExpr::Kind::Dict);
  CHECK(d.items.size() == 4);
  CHECK(d.render() == "{'a': 1, 'b': [2]}");
  CHECK(read("{}\n").expr.kind == PyExpr::Kind::Dict);
}

TEST_CASE("parentheses around one item without a comma are not a tuple") {
  const PyExpr e = read("('orders')\n").expr;
  CHECK(e.kind == PyExpr::Kind::String);
  CHECK(e.text == "orders");
  CHECK(e.span.length == 10);
}

TEST_CASE("what cannot be read statically is Unknown, never guessed") {
  for (const char* source :
       {"1 + 2\n", "x[0]\n", "lambda a, b: a\n", "not x\n", "a if b else c\n", "[*a]\n", "-1\n"}) {
    INFO(source);
    const PyExpr e = read(source).expr;
    CHECK(e.kind == PyExpr::Kind::Unknown);
    CHECK(e.render().empty());
  }
  // A comprehension is a list of one unknown item: it renders as nothing, so it never
  // compares equal to anything.
  const PyExpr comprehension = read("[x for x in y]\n").expr;
  REQUIRE(comprehension.items.size() == 1);
  CHECK(comprehension.items[0].kind == PyExpr::Kind::Unknown);
  CHECK(comprehension.render().empty());
}

TEST_CASE("an expression ends before the comma or bracket that closes it") {
  const std::string source = "f(a + b, c), rest\n";
  TokenStream tokens("m.py", source);
  const PyExpr e = read_python_expression(tokens);
  CHECK(e.kind == PyExpr::Kind::Call);
  REQUIRE(e.items.size() == 2);
  CHECK(e.items[0].kind == PyExpr::Kind::Unknown);
  CHECK(e.items[0].span.offset == 2);
  CHECK(e.items[0].span.length == 5);
  CHECK(e.items[1].text == "c");
  CHECK(tokens.peek().is_op(","));
  // An argument left unknown makes the whole rendering empty: it must not compare equal.
  CHECK(e.render().empty());

  const Read lambda = read("lambda a, b: a, next\n");
  CHECK(lambda.expr.kind == PyExpr::Kind::Unknown);
  CHECK(lambda.next == ",");
}

TEST_CASE("starred arguments make absent arguments unknown") {
  const PyExpr e = read("models.CharField(*args, max_length=20, **kwargs)\n").expr;
  CHECK(e.kind == PyExpr::Kind::Call);
  CHECK(e.starred);
  CHECK(e.keyword("max_length")->text == "20");
  CHECK(e.render().empty());
}

TEST_CASE("nesting past the limit is Unknown, read without recursing") {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "f(";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += ")";
  const Read r = read(deep + ", after\n");
  CHECK(r.expr.kind == PyExpr::Kind::Call);
  CHECK(r.expr.render().empty());
  CHECK(r.next == ",");

  std::string lists(100000, '[');
  lists += std::string(100000, ']');
  const Read l = read(lists + "\n");
  CHECK(l.expr.render().empty());
}

TEST_CASE("last_name is empty for what is not a name or call") {
  CHECK(read("'a.b'\n").expr.last_name().empty());
  CHECK(read("models\n").expr.last_name() == "models");
}

}  // namespace migline
