#pragma once

#include <string_view>

namespace migline {

// True when `path` ('/' separated) matches `pattern`: `*` and `?` stay within one path
// component, `**` spans components (`**/` may match nothing), `[abc]`/`[!a-z]` are classes.
bool glob_match(std::string_view pattern, std::string_view path);

// True when `pattern` matches `path` or one of its parent directories.
bool glob_match_dir_or_parent(std::string_view pattern, std::string_view path);

}  // namespace migline
