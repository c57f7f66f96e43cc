#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace migline {

// The outcome of a line-based three-way merge.
struct LineMerge {
  std::string text;  // the merged text, with conflict markers where it is not clean
  bool clean = false;
};

// Labels and marker size for conflict hunks, as git passes them to merge drivers.
struct MergeLabels {
  std::string base = "base";
  std::string ours = "ours";
  std::string theirs = "theirs";
  int marker_size = 7;
};

// Merges `ours` and `theirs` from `base` line by line, as git does (libgit2 git_merge_file).
tl::expected<LineMerge, std::string> line_merge(std::string_view base, std::string_view ours,
                                                std::string_view theirs, const MergeLabels& labels);

}  // namespace migline
