#pragma once

#include <string>

#include "core/text/diagnostic.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"

namespace migline {

// The base of `check --base REV`: the project at REV, whose leaves a branch must follow, and
// at the fork point (the merge base of REV and the branch), whose migrations the branch must
// not change: migrations that REV gained after the fork are not the branch's to keep.
struct BaseProject {
  std::string rev;
  const Project* at_rev;
  const Project* at_fork;
  const FileSource* fork_source;
};

// Every finding of `migline check` beyond the project's own (the rule ids of `check`): divergent
// leaves, the manifest (missing, stale, conflicted), and with `base`: new migrations sharing a
// number with another (warning), published migrations changed, renamed or deleted, and new
// migrations that do not continue from the base's leaf. Each finding has a rule id and a hint.
Diagnostics check_project(const Project& project, const FileSource& source,
                          const BaseProject* base);

}  // namespace migline
