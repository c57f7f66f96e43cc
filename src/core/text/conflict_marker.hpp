#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace migline {

// True for a git conflict marker line of any size >= 7 at column 0: `<<<<<<< ours`,
// `|||||||`, `=======`, `>>>>>>> theirs` (the line without its ending).
bool is_conflict_marker(std::string_view line);

// The offset of the first line of `text` that is a conflict marker; std::nullopt if none.
std::optional<std::size_t> find_conflict_marker(std::string_view text);

}  // namespace migline
