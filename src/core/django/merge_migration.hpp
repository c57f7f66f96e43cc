#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace migline {

// The name `makemigrations --merge` (Django >= 3.2) gives a merge of `leaves`: the highest
// leaf number + 1 as four digits (0002 when none has a number), then `merge_` and the
// sorted leaf names joined by `_`, or `timestamp` (`YYYYMMDD_HHMM`) when that exceeds 47
// characters.
std::string merge_migration_name(const std::vector<std::string>& leaves,
                                 std::string_view timestamp);

// The file `makemigrations --merge` writes for `app`: `header` (a comment line), then
// `dependencies` on every leaf, sorted, and `operations = []`, formatted as Django does.
std::string render_merge_migration(std::string_view app, const std::vector<std::string>& leaves,
                                   std::string_view header);

}  // namespace migline
