#include "core/python/python_string.hpp"

namespace migline {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

tl::expected<std::string, StringLiteralError> decode_string_literal(std::string_view literal) {
  std::size_t quote = 0;
  bool raw = false, bytes = false, format = false;
  while (quote < literal.size() && literal[quote] != '"' && literal[quote] != '\'') {
    char p = literal[quote];
    raw |= p == 'r' || p == 'R';
    bytes |= p == 'b' || p == 'B';
    format |= p == 'f' || p == 'F';
    ++quote;
  }
  if (bytes) return tl::make_unexpected(StringLiteralError{0, "bytes literal is not a str"});
  const std::size_t size = literal.size();
  const bool triple = size >= quote + 6 && literal[quote + 1] == literal[quote] &&
                      literal[quote + 2] == literal[quote];
  const std::size_t q = triple ? 3 : 1;
  if (size < quote + 2 * q) return tl::make_unexpected(StringLiteralError{0, "malformed string"});
  const std::size_t body_begin = quote + q;
  const std::size_t body_end = size - q;

  std::string out;
  out.reserve(body_end - body_begin);
  for (std::size_t i = body_begin; i < body_end; ++i) {
    char c = literal[i];
    if (format && (c == '{' || c == '}')) {
      if (i + 1 < body_end && literal[i + 1] == c) {
        out += c;
        ++i;
        continue;
      }
      return tl::make_unexpected(
          StringLiteralError{i, "f-string placeholder cannot be evaluated statically"});
    }
    if (c == '\r') {
      // Python normalizes every line ending inside a literal to \n.
      if (i + 1 < body_end && literal[i + 1] == '\n') ++i;
      out += '\n';
      continue;
    }
    if (c != '\\' || i + 1 >= body_end) {
      out += c;
      continue;
    }
    if (raw) {
      // In a raw string a backslash stays, and only protects the next character.
      out += c;
      out += literal[++i];
      continue;
    }
    const std::size_t escape = i;
    char e = literal[++i];
    switch (e) {
      case '\n':
        break;
      case '\r':
        if (i + 1 < body_end && literal[i + 1] == '\n') ++i;
        break;
      case '\\':
        out += '\\';
        break;
      case '\'':
        out += '\'';
        break;
      case '"':
        out += '"';
        break;
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case 'x':
      case 'u':
      case 'U': {
        const std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        unsigned cp = 0;
        for (std::size_t k = 1; k <= digits; ++k) {
          int h = i + k < body_end ? hex_value(literal[i + k]) : -1;
          if (h < 0) {
            return tl::make_unexpected(StringLiteralError{escape, "truncated escape sequence"});
          }
          cp = cp * 16 + static_cast<unsigned>(h);
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return tl::make_unexpected(StringLiteralError{escape, "escape is not a valid character"});
        }
        append_utf8(out, cp);
        i += digits;
        break;
      }
      case 'N':
        return tl::make_unexpected(
            StringLiteralError{escape, "\\N{...} escapes are not supported"});
      default:
        if (e >= '0' && e <= '7') {
          unsigned cp = 0;
          std::size_t k = 0;
          while (k < 3 && i + k < body_end && literal[i + k] >= '0' && literal[i + k] <= '7') {
            cp = cp * 8 + static_cast<unsigned>(literal[i + k] - '0');
            ++k;
          }
          append_utf8(out, cp);
          i += k - 1;
        } else {
          // Unknown escapes keep their backslash, as CPython does (with a warning).
          out += '\\';
          out += e;
        }
    }
  }
  return out;
}

}  // namespace migline
