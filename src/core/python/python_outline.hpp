#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/python/python_lexer.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// A PythonLexer with one token of lookahead and the diagnostics found while reading.
class TokenStream {
 public:
  TokenStream(std::string_view path, std::string_view source)
      : path_(path), source_(source), lexer_(source) {}

  // Returns the next token without consuming it.
  const Token& peek();
  // Consumes and returns the next token.
  Token take();
  // Consumes tokens up to, not including, the `;` or Newline that ends the current statement.
  void skip_statement();
  // Consumes tokens up to and including the Newline that ends the current logical line.
  void skip_line();
  // True when lexing stopped on an error (already reported).
  bool failed() const { return failed_; }

  // Records an error at `span`.
  void error(const SourceSpan& span, std::string message, std::string hint = {});
  // Records an error at byte `offset` of the source.
  void error_at_offset(std::size_t offset, std::string message, std::string hint = {});

  std::string_view source() const { return source_; }
  std::string_view path() const { return path_; }
  Diagnostics& diagnostics() { return diagnostics_; }

 private:
  std::string_view path_;
  std::string_view source_;
  PythonLexer lexer_;
  Token lookahead_;
  bool has_lookahead_ = false;
  bool failed_ = false;
  Diagnostics diagnostics_;
};

// A string literal, or several implicitly concatenated, with its value.
struct StringLiteral {
  std::string value;
  SourceSpan span;  // from the first literal's first byte to the last one's last
  int parts = 0;    // how many literals were concatenated
};

// Reads one or more adjacent string literals; an undecodable one is reported with `hint`.
// Returns std::nullopt (consuming nothing) when the next token is not a string.
std::optional<StringLiteral> read_string_literal(TokenStream& tokens, std::string_view hint);

// Receives the top-level classes of a module and the statements of their bodies.
class ClassVisitor {
 public:
  virtual ~ClassVisitor() = default;
  // A top-level `class NAME`; later calls belong to this class until the next one.
  virtual void class_begin(const Token& name) = 0;
  // A statement directly in the body, or nested in an if/for/try/with block when `conditional`.
  // `first` is still in the stream; the visitor may consume up to the statement's end.
  virtual void statement(TokenStream& tokens, const Token& first, bool conditional) = 0;
  // A statement at module level that is not a class definition.
  virtual void module_statement(TokenStream& tokens, const Token& first) {
    (void)tokens;
    (void)first;
  }
};

// Walks a module: top-level classes and the statements of their bodies, skipping nested
// functions and classes. Lexing errors are reported on `tokens`.
void visit_classes(TokenStream& tokens, ClassVisitor& visitor);

}  // namespace migline
