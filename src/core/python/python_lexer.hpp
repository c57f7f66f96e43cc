#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/text/diagnostic.hpp"

namespace migline {

enum class TokenKind {
  Name,      // identifier or keyword
  Number,    // numeric literal, not decoded
  String,    // one string literal with its prefix and quotes, not decoded
  Operator,  // punctuation such as `=`, `+=`, `(`, `.`
  Newline,   // end of a logical line
  End,       // end of input
  Error,     // lexing stopped; see PythonLexer::error_message()
};

// One token; `text` points into the lexed source.
struct Token {
  TokenKind kind = TokenKind::End;
  std::string_view text;
  SourceSpan span;
  int indent = 0;            // indentation width of the logical line (tabs to multiples of 8)
  bool starts_line = false;  // first token of its logical line
  int depth = 0;             // open brackets before this token

  bool is(TokenKind k, std::string_view t) const { return kind == k && text == t; }
  bool is_op(std::string_view t) const { return is(TokenKind::Operator, t); }
  bool is_name(std::string_view t) const { return is(TokenKind::Name, t); }
};

// Splits Python source into tokens the way CPython's tokenizer groups them: logical lines
// (brackets and backslash continuations join physical lines), comments dropped, strings whole.
// Accepts a UTF-8 BOM and LF, CRLF or CR line endings. Never recurses, never reads past the
// input; rejects NUL bytes, invalid UTF-8, unterminated strings and unbalanced brackets.
class PythonLexer {
 public:
  explicit PythonLexer(std::string_view source);

  // Returns the next token; after End or Error, returns the same token again.
  Token next();

  // Says what went wrong when next() returned an Error token.
  const std::string& error_message() const { return error_; }

 private:
  Token make(TokenKind kind, std::size_t begin);
  Token fail(std::size_t at, std::string message);
  bool consume_line_break();
  bool lex_string(std::size_t begin, std::size_t quote, Token& out);
  // Steps over one character of a string body; a NUL or invalid UTF-8 fails into `out`.
  bool advance_char(Token& out);
  bool lex_name_tail();
  bool skip_utf8(std::size_t& pos, std::size_t* bad);
  void begin_logical_line();

  std::string_view src_;
  std::size_t pos_ = 0;
  int line_ = 1;
  std::size_t line_start_ = 0;
  bool at_line_start_ = true;
  bool line_has_tokens_ = false;
  bool next_starts_line_ = false;
  int indent_ = 0;
  std::string brackets_;  // open brackets, innermost last
  std::string error_;
  Token done_;
  bool finished_ = false;
};

}  // namespace migline
