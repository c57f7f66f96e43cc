#include "core/python/python_expression.hpp"

#include <fmt/format.h>

#include "core/python/python_string.hpp"

namespace migline {
namespace {

constexpr int kMaxNesting = 48;

bool ends_expression(const Token& t, int depth) {
  if (t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.kind == TokenKind::Error) {
    return true;
  }
  if (t.depth < depth) return true;
  return t.depth == depth && (t.is_op(",") || t.is_op(":") || t.is_op(";"));
}

class ExpressionReader {
 public:
  explicit ExpressionReader(TokenStream& tokens) : tokens_(tokens) {}

  PyExpr read(int nesting) {
    const int depth = tokens_.peek().depth;
    const Token first = tokens_.peek();
    PyExpr e = nesting > kMaxNesting ? PyExpr{} : primary(nesting);
    if (e.kind == PyExpr::Kind::Unknown && e.span.length == 0) e.span = first.span;
    // Whatever follows the primary (an operator, `if`, a subscript) makes the value unknown.
    if (!ends_expression(tokens_.peek(), depth)) {
      e = PyExpr{};
      e.span = first.span;
      while (!ends_expression(tokens_.peek(), depth))
        e.span = join_spans(first.span, tokens_.take().span);
    }
    return e;
  }

 private:
  PyExpr primary(int nesting) {
    const Token t = tokens_.peek();
    PyExpr e;
    e.span = t.span;
    if (t.kind == TokenKind::String) return string();
    if (t.kind == TokenKind::Number) {
      tokens_.take();
      e.kind = PyExpr::Kind::Number;
      e.text = std::string(t.text);
      return e;
    }
    if (t.is_name("lambda")) {
      // Its parameters hold commas and its body ends at the next one: read past both.
      tokens_.take();
      while (!tokens_.peek().is_op(":") || tokens_.peek().depth != t.depth) {
        const Token& p = tokens_.peek();
        if (p.kind == TokenKind::Newline || p.kind == TokenKind::End ||
            p.kind == TokenKind::Error || p.depth < t.depth) {
          return e;
        }
        tokens_.take();
      }
      tokens_.take();
      e.span = join_spans(t.span, read(nesting + 1).span);
      return e;
    }
    if (t.kind == TokenKind::Name && t.text != "not" && t.text != "await") {
      return name_or_call(nesting);
    }
    if (t.is_op("[") || t.is_op("(") || t.is_op("{")) return display(nesting);
    return e;
  }

  PyExpr string() {
    PyExpr e;
    e.kind = PyExpr::Kind::String;
    const SourceSpan first = tokens_.peek().span;
    SourceSpan last = first;
    bool known = true;
    while (tokens_.peek().kind == TokenKind::String) {
      const Token part = tokens_.take();
      last = part.span;
      auto value = decode_string_literal(part.text);
      if (!value || part.text.front() == 'b' || part.text.front() == 'B') {
        known = false;
      } else {
        e.text += *value;
      }
    }
    e.span = join_spans(first, last);
    if (!known) {
      e.kind = PyExpr::Kind::Unknown;
      e.text.clear();
    }
    return e;
  }

  PyExpr name_or_call(int nesting) {
    const Token t = tokens_.take();
    PyExpr e;
    e.kind = PyExpr::Kind::Name;
    e.text = std::string(t.text);
    e.span = t.span;
    return dotted_rest(std::move(e), nesting);
  }

  // An argument that began with a name already taken (not a keyword): read the rest of it.
  PyExpr continue_name(const Token& name, int nesting) {
    PyExpr e;
    e.kind = PyExpr::Kind::Name;
    e.text = std::string(name.text);
    e.span = name.span;
    const int depth = name.depth;
    if (tokens_.peek().is_op(".") || tokens_.peek().is_op("(")) {
      e = dotted_rest(std::move(e), nesting);
    }
    if (!ends_expression(tokens_.peek(), depth)) {
      const SourceSpan first = e.span;
      e = PyExpr{};
      e.span = first;
      while (!ends_expression(tokens_.peek(), depth))
        e.span = join_spans(first, tokens_.take().span);
    }
    return e;
  }

  PyExpr dotted_rest(PyExpr e, int nesting) {
    while (tokens_.peek().is_op(".")) {
      tokens_.take();
      if (tokens_.peek().kind != TokenKind::Name) return PyExpr{};
      const Token t = tokens_.take();
      e.text += ".";
      e.text += t.text;
      e.span = join_spans(e.span, t.span);
    }
    if (!tokens_.peek().is_op("(")) return e;
    return arguments(std::move(e), nesting);
  }

  PyExpr arguments(PyExpr callee, int nesting) {
    callee.kind = PyExpr::Kind::Call;
    const Token open = tokens_.take();
    const int inner = open.depth + 1;
    if (nesting > kMaxNesting) {  // too deep to be an operation: read past it without recursing
      while (!closes(tokens_.peek(), open.depth)) {
        const Token& t = tokens_.peek();
        if (t.kind == TokenKind::Newline || t.kind == TokenKind::End ||
            t.kind == TokenKind::Error || t.depth < open.depth) {
          break;
        }
        tokens_.take();
      }
      if (closes(tokens_.peek(), open.depth)) tokens_.take();
      PyExpr unknown;
      unknown.span = callee.span;
      return unknown;
    }
    while (!closes(tokens_.peek(), open.depth)) {
      const Token next = tokens_.peek();
      if (next.kind == TokenKind::Newline || next.kind == TokenKind::End ||
          next.kind == TokenKind::Error || next.depth < inner) {
        break;
      }
      if (next.is_op("*") || next.is_op("**")) {
        callee.starred = true;
        tokens_.take();
        read(nesting + 1);
      } else if (next.kind == TokenKind::Name && !next.is_name("lambda")) {
        Token name = tokens_.take();
        if (tokens_.peek().is_op("=")) {
          tokens_.take();
          callee.keywords.emplace_back(std::string(name.text), read(nesting + 1));
        } else {
          callee.items.push_back(continue_name(name, nesting + 1));
        }
      } else {
        callee.items.push_back(read(nesting + 1));
      }
      if (tokens_.peek().is_op(",") && tokens_.peek().depth == inner) {
        tokens_.take();
      } else if (!closes(tokens_.peek(), open.depth)) {
        tokens_.take();
        callee.starred = true;
      }
    }
    if (closes(tokens_.peek(), open.depth))
      callee.span = join_spans(callee.span, tokens_.take().span);
    return callee;
  }

  static bool closes(const Token& t, int depth) {
    return t.depth == depth && (t.is_op(")") || t.is_op("]") || t.is_op("}"));
  }

  PyExpr display(int nesting) {
    const Token open = tokens_.take();
    PyExpr e;
    e.kind = open.is_op("[")   ? PyExpr::Kind::List
             : open.is_op("(") ? PyExpr::Kind::Tuple
                               : PyExpr::Kind::Set;
    e.span = open.span;
    const int inner = open.depth + 1;
    bool comma = false;
    bool unknown = false;
    while (!closes(tokens_.peek(), open.depth)) {
      const Token next = tokens_.peek();
      if (next.kind == TokenKind::Newline || next.kind == TokenKind::End ||
          next.kind == TokenKind::Error || next.depth < inner) {
        break;
      }
      if (next.is_op("*") || next.is_op("**")) unknown = true;
      e.items.push_back(read(nesting + 1));
      if (tokens_.peek().is_op(":") && tokens_.peek().depth == inner) {
        tokens_.take();
        e.kind = PyExpr::Kind::Dict;
        e.items.push_back(read(nesting + 1));
      }
      if (tokens_.peek().is_op(",") && tokens_.peek().depth == inner) {
        tokens_.take();
        comma = true;
      } else if (!closes(tokens_.peek(), open.depth)) {
        tokens_.take();  // a comprehension's `for`, a slice: the display is unknown
        unknown = true;
      }
    }
    if (closes(tokens_.peek(), open.depth)) e.span = join_spans(e.span, tokens_.take().span);
    if (open.is_op("{") && e.items.empty()) e.kind = PyExpr::Kind::Dict;
    if (unknown) {
      const SourceSpan span = e.span;
      e = PyExpr{};
      e.span = span;
      return e;
    }
    if (e.kind == PyExpr::Kind::Tuple && e.items.size() == 1 && !comma) {
      PyExpr inner_expr = std::move(e.items.front());
      inner_expr.span = e.span;
      return inner_expr;
    }
    return e;
  }

  TokenStream& tokens_;
};

void render_into(const PyExpr& e, std::string& out) {
  switch (e.kind) {
    case PyExpr::Kind::Unknown:
      out += "?";
      return;
    case PyExpr::Kind::String:
      out += '\'';
      for (char c : e.text) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
      }
      out += '\'';
      return;
    case PyExpr::Kind::Number:
    case PyExpr::Kind::Name:
      out += e.text;
      return;
    case PyExpr::Kind::Call: {
      out += e.text;
      out += '(';
      bool first = true;
      for (const PyExpr& item : e.items) {
        if (!first) out += ", ";
        first = false;
        render_into(item, out);
      }
      for (const auto& [name, value] : e.keywords) {
        if (!first) out += ", ";
        first = false;
        out += name;
        out += '=';
        render_into(value, out);
      }
      if (e.starred) out += first ? "*?" : ", *?";
      out += ')';
      return;
    }
    case PyExpr::Kind::List:
    case PyExpr::Kind::Tuple:
    case PyExpr::Kind::Set:
    case PyExpr::Kind::Dict: {
      const bool dict = e.kind == PyExpr::Kind::Dict;
      out += e.kind == PyExpr::Kind::List ? '[' : e.kind == PyExpr::Kind::Tuple ? '(' : '{';
      for (std::size_t i = 0; i < e.items.size(); ++i) {
        if (i > 0) out += dict && i % 2 == 1 ? ": " : ", ";
        render_into(e.items[i], out);
      }
      out += e.kind == PyExpr::Kind::List ? ']' : e.kind == PyExpr::Kind::Tuple ? ')' : '}';
      return;
    }
  }
}

bool contains_unknown(const PyExpr& e) {
  if (e.kind == PyExpr::Kind::Unknown || e.starred) return true;
  for (const PyExpr& item : e.items) {
    if (contains_unknown(item)) return true;
  }
  for (const auto& kv : e.keywords) {
    if (contains_unknown(kv.second)) return true;
  }
  return false;
}

}  // namespace

const PyExpr* PyExpr::keyword(std::string_view name) const {
  for (const auto& [key, value] : keywords) {
    if (key == name) return &value;
  }
  return nullptr;
}

const PyExpr* PyExpr::argument(std::size_t position, std::string_view name) const {
  if (position < items.size()) return &items[position];
  return keyword(name);
}

std::string_view PyExpr::last_name() const {
  if (kind != Kind::Name && kind != Kind::Call) return {};
  std::string_view view = text;
  const std::size_t dot = view.rfind('.');
  return dot == std::string_view::npos ? view : view.substr(dot + 1);
}

bool PyExpr::is_constant() const {
  return kind == Kind::String || kind == Kind::Number ||
         (kind == Kind::Name && (text == "True" || text == "False" || text == "None"));
}

std::string PyExpr::render() const {
  if (contains_unknown(*this)) return {};
  std::string out;
  render_into(*this, out);
  return out;
}

PyExpr read_python_expression(TokenStream& tokens) {
  return ExpressionReader(tokens).read(0);
}

}  // namespace migline
