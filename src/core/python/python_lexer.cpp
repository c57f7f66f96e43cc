#include "core/python/python_lexer.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace migline {
namespace {

bool is_ascii_name_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ascii_name_char(unsigned char c) {
  return is_ascii_name_start(c) || (c >= '0' && c <= '9');
}
bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

bool is_string_prefix(std::string_view p) {
  if (p.size() > 2) return false;
  bool r = false, b = false, u = false, f = false;
  for (char c : p) {
    switch (c) {
      case 'r':
      case 'R':
        if (r) return false;
        r = true;
        break;
      case 'b':
      case 'B':
        if (b) return false;
        b = true;
        break;
      case 'u':
      case 'U':
        if (u) return false;
        u = true;
        break;
      case 'f':
      case 'F':
        if (f) return false;
        f = true;
        break;
      default:
        return false;
    }
  }
  return !(u && p.size() > 1) && !(b && f);
}

// The length of the operator at the start of `s` (maximal munch), or 0 when there is none.
// Compares characters directly: this runs for every operator of every file.
std::size_t operator_length(std::string_view s) {
  constexpr std::string_view kThree[] = {"**=", "//=", ">>=", "<<=", "..."};
  constexpr std::string_view kTwo[] = {"->", ":=", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=",
                                       "%=", "&=", "|=", "^=", "@=", "**", "//", "<<", ">>"};
  constexpr std::string_view kOne = "+-*/%@&|^~<>=.,:;()[]{}";
  if (s.size() >= 3) {
    for (std::string_view op : kThree) {
      if (s[0] == op[0] && s[1] == op[1] && s[2] == op[2]) return 3;
    }
  }
  if (s.size() >= 2) {
    for (std::string_view op : kTwo) {
      if (s[0] == op[0] && s[1] == op[1]) return 2;
    }
  }
  return !s.empty() && kOne.find(s[0]) != std::string_view::npos ? 1 : 0;
}

char closing_for(char open) {
  return open == '(' ? ')' : open == '[' ? ']' : '}';
}

}  // namespace

PythonLexer::PythonLexer(std::string_view source) : src_(source) {
  if (src_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = line_start_ = 3;
}

Token PythonLexer::make(TokenKind kind, std::size_t begin) {
  Token t;
  t.kind = kind;
  t.text = src_.substr(begin, pos_ - begin);
  t.span.offset = static_cast<std::uint32_t>(begin);  // next() refused larger sources
  t.span.length = static_cast<std::uint32_t>(pos_ - begin);
  t.span.line = line_;
  t.span.column = static_cast<int>(begin - line_start_) + 1;
  t.indent = indent_;
  t.depth = static_cast<int>(brackets_.size());
  if (kind != TokenKind::Newline && kind != TokenKind::End) {
    t.starts_line = next_starts_line_;
    next_starts_line_ = false;
    line_has_tokens_ = true;
  }
  return t;
}

Token PythonLexer::fail(std::size_t at, std::string message) {
  error_ = std::move(message);
  Token t;
  t.kind = TokenKind::Error;
  t.span.offset = static_cast<std::uint32_t>(std::min(at, kMaxSourceSize));
  t.span.length = at < src_.size() ? 1 : 0;
  // The error may lie on an earlier line than the lexer's position (an unterminated string).
  std::size_t line_start = at;
  while (line_start > 0 && src_[line_start - 1] != '\n' && src_[line_start - 1] != '\r') {
    --line_start;
  }
  int lines_back = 0;
  for (std::size_t i = at; i < pos_ && i < src_.size(); ++i) {
    if (src_[i] == '\n' || (src_[i] == '\r' && (i + 1 >= src_.size() || src_[i + 1] != '\n'))) {
      ++lines_back;
    }
  }
  t.span.line = line_ - lines_back;
  t.span.column = static_cast<int>(at - line_start) + 1;
  t.text = src_.substr(at, t.span.length);
  done_ = t;
  finished_ = true;
  return t;
}

bool PythonLexer::consume_line_break() {
  if (pos_ >= src_.size()) return false;
  if (src_[pos_] == '\r') {
    ++pos_;
    if (pos_ < src_.size() && src_[pos_] == '\n') ++pos_;
  } else if (src_[pos_] == '\n') {
    ++pos_;
  } else {
    return false;
  }
  ++line_;
  line_start_ = pos_;
  return true;
}

bool PythonLexer::skip_utf8(std::size_t& pos, std::size_t* bad) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(src_[i]); };
  unsigned char c = byte(pos);
  int extra = 0;
  unsigned min = 0;
  unsigned cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    extra = 1, cp = c & 0x1Fu, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2, cp = c & 0x0Fu, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    extra = 3, cp = c & 0x07u, min = 0x10000;
  } else {
    *bad = pos;
    return false;
  }
  if (pos + static_cast<std::size_t>(extra) >= src_.size()) {
    *bad = pos;
    return false;
  }
  for (int i = 1; i <= extra; ++i) {
    unsigned char cc = byte(pos + static_cast<std::size_t>(i));
    if ((cc & 0xC0) != 0x80) {
      *bad = pos;
      return false;
    }
    cp = (cp << 6) | (cc & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *bad = pos;
    return false;
  }
  pos += static_cast<std::size_t>(extra) + 1;
  return true;
}

bool PythonLexer::lex_name_tail() {
  while (pos_ < src_.size()) {
    unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (is_ascii_name_char(c)) {
      ++pos_;
    } else if (c >= 0x80) {
      std::size_t bad = 0;
      if (!skip_utf8(pos_, &bad)) return false;
    } else {
      break;
    }
  }
  return true;
}

void PythonLexer::begin_logical_line() {
  // Measures the indentation of a new logical line, skipping blank and comment-only lines.
  while (true) {
    int col = 0;
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ') {
        ++col;
      } else if (c == '\t') {
        col = (col / 8 + 1) * 8;
      } else if (c == '\f') {
        col = 0;
      } else {
        break;
      }
      ++pos_;
    }
    if (pos_ < src_.size() && src_[pos_] == '#') {
      while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') ++pos_;
    }
    if (consume_line_break()) continue;
    indent_ = col;
    break;
  }
  at_line_start_ = false;
  next_starts_line_ = true;
}

bool PythonLexer::advance_char(Token& out) {
  const unsigned char c = static_cast<unsigned char>(src_[pos_]);
  if (c == 0) {
    out = fail(pos_, "NUL byte in source");
    return false;
  }
  if (c < 0x80) {
    ++pos_;
    return true;
  }
  std::size_t bad = 0;
  if (skip_utf8(pos_, &bad)) return true;
  out = fail(bad, "invalid UTF-8");
  return false;
}

bool PythonLexer::lex_string(std::size_t begin, std::size_t quote, Token& out) {
  const char q = src_[quote];
  const bool triple = quote + 2 < src_.size() && src_[quote + 1] == q && src_[quote + 2] == q;
  const int start_line = line_;
  const std::size_t start_line_start = line_start_;
  pos_ = quote + (triple ? 3 : 1);
  while (true) {
    if (pos_ >= src_.size()) {
      out = fail(begin, triple ? "unterminated triple-quoted string" : "unterminated string");
      return false;
    }
    const unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (c == '\\') {
      // An escaped character never ends the string; an escaped line break joins lines.
      ++pos_;
      if (pos_ < src_.size() && !consume_line_break() && !advance_char(out)) return false;
      continue;
    }
    if (c == static_cast<unsigned char>(q)) {
      if (!triple) {
        ++pos_;
        break;
      }
      if (pos_ + 2 < src_.size() && src_[pos_ + 1] == q && src_[pos_ + 2] == q) {
        pos_ += 3;
        break;
      }
      ++pos_;
    } else if (c == '\n' || c == '\r') {
      if (!triple) {
        out = fail(begin, "unterminated string");
        return false;
      }
      consume_line_break();
    } else if (!advance_char(out)) {
      return false;
    }
  }
  // A triple-quoted string may span lines; its position is where it began.
  const int end_line = line_;
  const std::size_t end_line_start = line_start_;
  line_ = start_line;
  line_start_ = start_line_start;
  out = make(TokenKind::String, begin);
  line_ = end_line;
  line_start_ = end_line_start;
  return true;
}

Token PythonLexer::next() {
  if (finished_) return done_;
  if (src_.size() > kMaxSourceSize) return fail(0, "the file is 4 GiB or larger");
  while (true) {
    if (at_line_start_ && brackets_.empty()) begin_logical_line();
    while (pos_ < src_.size() && (src_[pos_] == ' ' || src_[pos_] == '\t' || src_[pos_] == '\f')) {
      ++pos_;
    }
    if (pos_ >= src_.size()) {
      if (!brackets_.empty()) {
        return fail(src_.size(), fmt::format("'{}' was never closed", brackets_.back()));
      }
      if (line_has_tokens_) {
        line_has_tokens_ = false;
        return make(TokenKind::Newline, pos_);
      }
      done_ = make(TokenKind::End, pos_);
      finished_ = true;
      return done_;
    }
    const std::size_t begin = pos_;
    const unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (c == '#') {
      while (pos_ < src_.size() && src_[pos_] != '\n' && src_[pos_] != '\r') ++pos_;
      continue;
    }
    if (c == '\n' || c == '\r') {
      Token nl = make(TokenKind::Newline, begin);
      consume_line_break();
      if (!brackets_.empty()) continue;
      at_line_start_ = true;
      if (!line_has_tokens_) continue;
      line_has_tokens_ = false;
      nl.text = src_.substr(begin, pos_ - begin);
      nl.span.length = static_cast<std::uint32_t>(nl.text.size());
      return nl;
    }
    if (c == '\\') {
      ++pos_;
      if (consume_line_break()) continue;
      return fail(begin, "unexpected character after line continuation");
    }
    if (is_ascii_name_start(c) || c >= 0x80) {
      if (c >= 0x80) {
        std::size_t bad = 0;
        if (!skip_utf8(pos_, &bad)) return fail(bad, "invalid UTF-8");
      }
      if (!lex_name_tail()) return fail(pos_, "invalid UTF-8");
      if (pos_ < src_.size() && (src_[pos_] == '"' || src_[pos_] == '\'') &&
          is_string_prefix(src_.substr(begin, pos_ - begin))) {
        Token t;
        lex_string(begin, pos_, t);
        return t;
      }
      return make(TokenKind::Name, begin);
    }
    if (c == '"' || c == '\'') {
      Token t;
      lex_string(begin, pos_, t);
      return t;
    }
    if (is_digit(c) || (c == '.' && pos_ + 1 < src_.size() && is_digit(src_[pos_ + 1]))) {
      ++pos_;
      while (pos_ < src_.size()) {
        unsigned char d = static_cast<unsigned char>(src_[pos_]);
        if (is_ascii_name_char(d) || d == '.') {
          ++pos_;
        } else if ((d == '+' || d == '-') && (src_[pos_ - 1] == 'e' || src_[pos_ - 1] == 'E') &&
                   !(src_[begin] == '0' && pos_ > begin + 1 &&
                     (src_[begin + 1] == 'x' || src_[begin + 1] == 'X'))) {
          ++pos_;
        } else {
          break;
        }
      }
      return make(TokenKind::Number, begin);
    }
    if (c == 0) return fail(begin, "NUL byte in source");
    if (const std::size_t length = operator_length(src_.substr(pos_, 3)); length > 0) {
      const char op = src_[pos_];
      if (length == 1 && (op == '(' || op == '[' || op == '{')) {
        Token t = make(TokenKind::Operator, begin);  // depth is counted before the bracket
        pos_ += 1;
        t.text = src_.substr(begin, 1);
        t.span.length = 1;
        brackets_.push_back(op);
        return t;
      }
      if (length == 1 && (op == ')' || op == ']' || op == '}')) {
        if (brackets_.empty()) return fail(begin, fmt::format("unmatched '{}'", op));
        if (closing_for(brackets_.back()) != op) {
          return fail(begin, fmt::format("closing '{}' does not match '{}'", op, brackets_.back()));
        }
        brackets_.pop_back();
      }
      pos_ += length;
      return make(TokenKind::Operator, begin);
    }
    return fail(begin, fmt::format("unexpected character '{}'", static_cast<char>(c)));
  }
}

}  // namespace migline
