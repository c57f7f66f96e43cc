#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace migline {

// Lists the regular files and symlinks below `root` as sorted '/'-separated relative paths,
// without following symlinks, skipping directories for which `skip_dir(relative_path)` is true.
tl::expected<std::vector<std::string>, std::string> walk_directory(
    const std::string& root, const std::function<bool(std::string_view)>& skip_dir);

}  // namespace migline
