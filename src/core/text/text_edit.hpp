#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace migline {

// Replace `length` bytes at `offset` with `replacement`.
struct TextEdit {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string replacement;
};

// `source` with every edit applied; edits must not overlap (their order does not matter).
std::string apply_edits(std::string_view source, std::vector<TextEdit> edits);

// The Python string literal(s) `literal` rewritten to hold `value`, a plain name: the first
// literal's prefix and quotes are kept, so `u'0003_a'` becomes `u'0004_a'`.
std::string rewrite_string_literal(std::string_view literal, std::string_view value);

}  // namespace migline
