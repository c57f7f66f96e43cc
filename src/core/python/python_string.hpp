#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace migline {

// Why a string literal has no static value; `offset` is relative to the literal's first byte.
struct StringLiteralError {
  std::size_t offset = 0;
  std::string message;
};

// The value of a hexadecimal digit (0-9, a-f, A-F); -1 for any other character.
int hex_value(char c);

// Appends code point `cp` (at most 0x10FFFF) to `out` as UTF-8.
void append_utf8(std::string& out, unsigned cp);

// Returns the value of one Python string literal token (any prefix, quote form and escape),
// as UTF-8. Bytes literals, f-strings with placeholders and `\N{...}` escapes are errors.
tl::expected<std::string, StringLiteralError> decode_string_literal(std::string_view literal);

}  // namespace migline
