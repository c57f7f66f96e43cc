#include "core/text/text_edit.hpp"

#include <algorithm>

namespace migline {

std::string apply_edits(std::string_view source, std::vector<TextEdit> edits) {
  std::sort(edits.begin(), edits.end(),
            [](const TextEdit& a, const TextEdit& b) { return a.offset < b.offset; });
  std::string out;
  out.reserve(source.size());
  std::size_t done = 0;
  for (const TextEdit& e : edits) {
    out.append(source.substr(done, e.offset - done));
    out += e.replacement;
    done = e.offset + e.length;
  }
  out.append(source.substr(done));
  return out;
}

std::string rewrite_string_literal(std::string_view literal, std::string_view value) {
  const std::size_t quote_at = literal.find_first_of("'\"");
  if (quote_at == std::string_view::npos) return std::string(value);
  const char quote = literal[quote_at];
  const bool triple = literal.substr(quote_at, 3) == std::string(3, quote);
  const std::string quotes(triple ? 3 : 1, quote);
  return std::string(literal.substr(0, quote_at)) + quotes + std::string(value) + quotes;
}

}  // namespace migline
