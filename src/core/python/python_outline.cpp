#include "core/python/python_outline.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "core/python/python_string.hpp"

namespace migline {
namespace {

constexpr std::array<std::string_view, 11> kCompoundKeywords = {
    "if", "elif", "else", "for", "while", "try", "except", "finally", "with", "match", "case"};

bool starts_nested_scope(const Token& t) {
  return t.is_name("def") || t.is_name("async") || t.is_name("class") || t.is_op("@");
}

bool starts_block(const Token& t) {
  return t.kind == TokenKind::Name && std::find(kCompoundKeywords.begin(), kCompoundKeywords.end(),
                                                t.text) != kCompoundKeywords.end();
}

struct Scope {
  int indent;
  bool nested;  // inside a def or class: nothing there is a class attribute
};

}  // namespace

const Token& TokenStream::peek() {
  if (!has_lookahead_) {
    lookahead_ = lexer_.next();
    has_lookahead_ = true;
    if (lookahead_.kind == TokenKind::Error && !failed_) {
      failed_ = true;
      error(lookahead_.span, lexer_.error_message(),
            "Python could not import this file either; fix the syntax");
    }
  }
  return lookahead_;
}

Token TokenStream::take() {
  Token t = peek();
  if (t.kind != TokenKind::End && t.kind != TokenKind::Error) has_lookahead_ = false;
  return t;
}

void TokenStream::skip_statement() {
  while (true) {
    const Token& t = peek();
    if (t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.kind == TokenKind::Error) {
      return;
    }
    if (t.depth == 0 && t.is_op(";")) return;
    take();
  }
}

void TokenStream::skip_line() {
  while (true) {
    Token t = take();
    if (t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.kind == TokenKind::Error) {
      return;
    }
  }
}

void TokenStream::error(const SourceSpan& span, std::string message, std::string hint) {
  diagnostics_.push_back(error_at(path_, source_, span, std::move(message), std::move(hint)));
  diagnostics_.back().rule = "parse-error";
}

void TokenStream::error_at_offset(std::size_t offset, std::string message, std::string hint) {
  error(span_at(source_, offset), std::move(message), std::move(hint));
}

std::optional<StringLiteral> read_string_literal(TokenStream& tokens, std::string_view hint) {
  if (tokens.peek().kind != TokenKind::String) return std::nullopt;
  StringLiteral literal;
  const SourceSpan first = tokens.peek().span;
  SourceSpan last = first;
  while (tokens.peek().kind == TokenKind::String) {
    const Token part = tokens.take();
    auto value = decode_string_literal(part.text);
    if (!value) {
      tokens.error_at_offset(part.span.offset + value.error().offset, value.error().message,
                             std::string(hint));
      return std::nullopt;
    }
    literal.value += *value;
    last = part.span;
    ++literal.parts;
  }
  literal.span = first;
  literal.span.length = last.offset + last.length - first.offset;
  return literal;
}

namespace {

// Visits the statements of one logical line, separated by `;`, then consumes the line's end.
void visit_line(TokenStream& tokens, ClassVisitor& visitor, bool conditional) {
  while (true) {
    Token first = tokens.peek();
    if (first.kind == TokenKind::Newline || first.kind == TokenKind::End ||
        first.kind == TokenKind::Error) {
      break;
    }
    visitor.statement(tokens, first, conditional);
    tokens.skip_statement();
    if (tokens.peek().is_op(";")) tokens.take();
  }
  tokens.skip_line();
}

// Consumes a block header up to its ':' and returns true when a suite follows on new lines.
bool skip_block_header(TokenStream& tokens) {
  while (true) {
    const Token& t = tokens.peek();
    if (t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.kind == TokenKind::Error) {
      return false;
    }
    Token taken = tokens.take();
    if (taken.depth == 0 && taken.is_op(":")) {
      if (tokens.peek().kind == TokenKind::Newline) {
        tokens.take();
        return true;
      }
      return false;
    }
  }
}

void visit_class_body(TokenStream& tokens, ClassVisitor& visitor) {
  if (!skip_block_header(tokens)) {
    visit_line(tokens, visitor, false);  // `class X: a = 1` keeps its body on one line
    return;
  }
  std::vector<Scope> scopes;
  int body_indent = -1;
  while (true) {
    Token first = tokens.peek();
    if (first.kind != TokenKind::Name && first.kind != TokenKind::String &&
        first.kind != TokenKind::Number && first.kind != TokenKind::Operator) {
      return;
    }
    if (first.indent == 0) return;
    if (body_indent < 0) body_indent = first.indent;
    if (first.indent < body_indent) {
      tokens.error(first.span, "unindent does not match any outer indentation level",
                   "Python could not import this file either; fix the indentation");
      tokens.skip_line();
      continue;
    }
    while (!scopes.empty() && scopes.back().indent >= first.indent) scopes.pop_back();
    if (!scopes.empty() && scopes.back().nested) {
      tokens.skip_line();
      continue;
    }
    const bool conditional = !scopes.empty();
    if (starts_nested_scope(first)) {
      scopes.push_back({first.indent, true});
      tokens.skip_line();
    } else if (starts_block(first)) {
      scopes.push_back({first.indent, false});
      visit_line(tokens, visitor, true);
    } else {
      visit_line(tokens, visitor, conditional);
    }
  }
}

}  // namespace

void visit_classes(TokenStream& tokens, ClassVisitor& visitor) {
  while (true) {
    Token first = tokens.peek();
    if (first.kind == TokenKind::End || first.kind == TokenKind::Error) return;
    if (first.kind == TokenKind::Newline) {
      tokens.take();
      continue;
    }
    if (first.indent == 0 && first.is_name("class")) {
      tokens.take();
      Token name = tokens.peek();
      if (name.kind != TokenKind::Name) {
        tokens.skip_line();
        continue;
      }
      visitor.class_begin(name);
      visit_class_body(tokens, visitor);
      continue;
    }
    if (first.indent == 0) {
      visitor.module_statement(tokens, first);
    }
    tokens.skip_line();
  }
}

}  // namespace migline
