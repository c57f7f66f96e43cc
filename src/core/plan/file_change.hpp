#pragma once

#include <optional>
#include <string>

namespace migline {

// One file to write with `content`, or to remove when it is std::nullopt, in the work tree and
// the index: what resolve plans, what a write journal carries out, what the index stages.
// `path` is relative to the work tree root, '/'-separated.
struct FileChange {
  std::string path;
  std::optional<std::string> content;
};

}  // namespace migline
