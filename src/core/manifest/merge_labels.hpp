#pragma once

#include <string>

namespace migline {

// Labels and marker size for conflict hunks, as git passes them to merge drivers.
struct MergeLabels {
  std::string base = "base";
  std::string ours = "ours";
  std::string theirs = "theirs";
  int marker_size = 7;
};

}  // namespace migline
