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

// Returns the value of one Python string literal token (any prefix, quote form and escape),
// as UTF-8. Bytes literals, f-strings with placeholders and `\N{...}` escapes are errors.
tl::expected<std::string, StringLiteralError> decode_string_literal(std::string_view literal);

}  // namespace migline
