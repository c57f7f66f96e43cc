#pragma once

#include <string>
#include <string_view>

namespace migline::cli {

// Returns `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace migline::cli
