#pragma once

#include <string>
#include <vector>

#include "core/text/diagnostic.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"

namespace migline {

// The safety rules (core/safety/safety_rules) on the migrations of `project` whose paths are not
// listed by `base` (the merge base for `check --base`, HEAD for the hook; nullptr: every
// migration is new): each is judged against the model state that the migrations before it
// build, in graph order. A migration `base` lists is replayed from `base`'s text, as the
// database has it; the others from `source`. Only the migrations that can matter are read:
// those on the branch, those the branch changed, and earlier ones whose operations name a
// model the branch touches (or a model migline cannot name).
Diagnostics check_safety(const Project& project, const FileSource& source, const FileSource* base);

}  // namespace migline
