#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace migline {

// A unified diff (`--- a/path`, `+++ b/path`, hunks) from `before` (absent: a new file) to
// `after`; empty when they are equal.
std::string unified_diff(const std::string& path, const std::optional<std::string>& before,
                         std::string_view after);

}  // namespace migline
