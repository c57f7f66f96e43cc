#pragma once

#include <string>
#include <vector>

#include "core/text/diagnostic.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"

namespace migline {

// The safety rules (core/safety/safety_rules) on the migrations of `project` whose paths are not in
// `base_paths` (sorted, e.g. a FileSource's paths at the merge base or HEAD): each is judged
// against the model state that the migrations before it build, in graph order. Only the
// migrations that can matter are read from `source`: those on the branch, and earlier ones
// whose operations name a model the branch touches (or a model migline cannot name).
Diagnostics check_safety(const Project& project, const FileSource& source,
                         const std::vector<std::string>& base_paths);

}  // namespace migline
