#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "project/config.hpp"

namespace migline {

// The app directories holding a migrations package (core/django/migration_module) that the
// config's include/exclude globs select, in the order of `paths`.
std::vector<std::string> package_dirs(const std::vector<std::string>& paths, const Config& config);

// Where in `paths` (sorted) the modules of the packages in `app_dirs` are that the loader reads
// (migration_module_name, without '.'), package by package.
std::vector<std::size_t> module_paths(const std::vector<std::string>& paths,
                                      const std::vector<std::string>& app_dirs);

}  // namespace migline
