#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "core/manifest/merge_labels.hpp"

namespace migline {

// The outcome of a line-based three-way merge.
struct LineMerge {
  std::string text;  // the merged text, with conflict markers where it is not clean
  bool clean = false;
};

// Merges `ours` and `theirs` from `base` line by line, as git does (libgit2 git_merge_file).
tl::expected<LineMerge, std::string> line_merge(std::string_view base, std::string_view ours,
                                                std::string_view theirs, const MergeLabels& labels);

}  // namespace migline
