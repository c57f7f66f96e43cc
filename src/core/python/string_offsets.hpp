#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/text/diagnostic.hpp"

namespace migline {

// Where each byte of a string literal's value comes from: for the literal (or the implicitly
// concatenated literals) at `literal` in `source`, the source offset of every byte of its
// value, so that a finding about a part of the value (a SQL statement) points into the file.
// An escape maps each byte it makes to its backslash. Empty when the literals' value is not
// `value` (bytes, f-string placeholders, `\N{...}`): the caller points at the literal instead.
std::vector<std::uint32_t> string_value_offsets(std::string_view source, const SourceSpan& literal,
                                                std::string_view value);

}  // namespace migline
