#include "core/python/string_offsets.hpp"

#include <string>

#include "core/python/python_string.hpp"

namespace migline {
namespace {

// Decodes literals as python_string does, recording each value byte's source offset.
class OffsetDecoder {
 public:
  explicit OffsetDecoder(std::string_view source) : s_(source) {}

  // Reads the literals in [begin, end); false when one cannot be read statically.
  bool read(std::size_t begin, std::size_t end) {
    std::size_t pos = begin;
    while (pos < end) {
      const char c = s_[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\\') {
        ++pos;
      } else if (c == '#') {
        while (pos < end && s_[pos] != '\n' && s_[pos] != '\r') ++pos;
      } else if (!literal(pos, end)) {
        return false;
      }
    }
    return true;
  }

  const std::string& value() const { return value_; }
  std::vector<std::uint32_t>& offsets() { return offsets_; }

 private:
  void put(char c, std::size_t from) {
    value_ += c;
    offsets_.push_back(static_cast<std::uint32_t>(from));
  }

  void put_utf8(unsigned cp, std::size_t from) {
    std::string bytes;
    append_utf8(bytes, cp);
    for (char c : bytes) put(c, from);
  }

  // One literal starting at `pos` (its prefix); leaves `pos` after its closing quote.
  bool literal(std::size_t& pos, std::size_t end) {
    bool raw = false, format = false;
    while (pos < end && s_[pos] != '"' && s_[pos] != '\'') {
      const char p = s_[pos++];
      if (p == 'b' || p == 'B') return false;
      if (p != 'r' && p != 'R' && p != 'f' && p != 'F' && p != 'u' && p != 'U') return false;
      raw |= p == 'r' || p == 'R';
      format |= p == 'f' || p == 'F';
    }
    if (pos >= end) return false;
    const char quote = s_[pos];
    const bool triple = pos + 2 < end && s_[pos + 1] == quote && s_[pos + 2] == quote;
    const std::size_t q = triple ? 3 : 1;
    std::size_t i = pos + q;
    const std::string_view close = s_.substr(pos, q);
    while (i < end) {
      if (s_.substr(i, q) == close) {
        pos = i + q;
        return true;
      }
      const char c = s_[i];
      if (format && (c == '{' || c == '}')) {
        if (i + 1 < end && s_[i + 1] == c) {
          put(c, i);
          i += 2;
          continue;
        }
        return false;
      }
      if (c == '\r') {
        put('\n', i);
        i += i + 1 < end && s_[i + 1] == '\n' ? 2 : 1;
        continue;
      }
      if (c != '\\' || i + 1 >= end) {
        put(c, i++);
        continue;
      }
      if (raw) {
        put(c, i);
        put(s_[i + 1], i + 1);
        i += 2;
        continue;
      }
      if (!escape(i, end)) return false;
    }
    return false;  // unterminated
  }

  // The escape at `i` (its backslash); leaves `i` after it.
  bool escape(std::size_t& i, std::size_t end) {
    const std::size_t at = i;
    const char e = s_[i + 1];
    i += 2;
    switch (e) {
      case '\n':
        return true;
      case '\r':
        if (i < end && s_[i] == '\n') ++i;
        return true;
      case '\\':
      case '\'':
      case '"':
        put(e, at);
        return true;
      case 'a':
        put('\a', at);
        return true;
      case 'b':
        put('\b', at);
        return true;
      case 'f':
        put('\f', at);
        return true;
      case 'n':
        put('\n', at);
        return true;
      case 'r':
        put('\r', at);
        return true;
      case 't':
        put('\t', at);
        return true;
      case 'v':
        put('\v', at);
        return true;
      case 'x':
      case 'u':
      case 'U': {
        const std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        unsigned cp = 0;
        for (std::size_t k = 0; k < digits; ++k) {
          const int h = i + k < end ? hex_value(s_[i + k]) : -1;
          if (h < 0) return false;
          cp = cp * 16 + static_cast<unsigned>(h);
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        put_utf8(cp, at);
        i += digits;
        return true;
      }
      case 'N':
        return false;
      default:
        break;
    }
    if (e >= '0' && e <= '7') {
      unsigned cp = 0;
      --i;
      for (std::size_t k = 0; k < 3 && i < end && s_[i] >= '0' && s_[i] <= '7'; ++k, ++i) {
        cp = cp * 8 + static_cast<unsigned>(s_[i] - '0');
      }
      put_utf8(cp, at);
      return true;
    }
    put('\\', at);  // unknown escapes keep their backslash
    put(e, at + 1);
    return true;
  }

  std::string_view s_;
  std::string value_;
  std::vector<std::uint32_t> offsets_;
};

}  // namespace

std::vector<std::uint32_t> string_value_offsets(std::string_view source, const SourceSpan& literal,
                                                std::string_view value) {
  const std::size_t end = std::size_t{literal.offset} + literal.length;
  if (end > source.size()) return {};
  OffsetDecoder decoder(source);
  if (!decoder.read(literal.offset, end) || decoder.value() != value) return {};
  return std::move(decoder.offsets());
}

}  // namespace migline
