#pragma once

#include "core/text/diagnostic.hpp"
#include "project/checks.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"

namespace migline {

// The findings of `migline check` about the project's Alembic histories:
// divergent heads (two heads on one branch), and with `base`: published revisions changed,
// renamed or deleted, and new revisions that do not continue from the base's heads.
Diagnostics check_alembic(const Project& project, const FileSource& source,
                          const BaseProject* base);

}  // namespace migline
