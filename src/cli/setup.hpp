#pragma once

#include <functional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "cli/context.hpp"
#include "project/project_loader.hpp"

namespace migline::cli {

// One part of a clone's set-up, as `init` makes it and `doctor` checks it.
struct SetupItem {
  std::string name;    // e.g. ".gitattributes"
  bool ok = false;     // already as migline wants it
  std::string state;   // what is there now, e.g. "missing", "set up"
  std::string change;  // what `init` does about it, for --print and doctor
  std::function<tl::expected<void, std::string>()> apply;  // makes the change
};

// The migline the hook and the merge driver run: `migline` from PATH, or $MIGLINE.
std::string migline_binary();

// The merge driver command git runs.
std::string merge_driver_command();

// Inspects the set-up of the clone: merge attributes, merge driver config, the hooks
// (pre-commit, post-merge, post-checkout, post-rewrite) and manifest. Needs a repository.
tl::expected<std::vector<SetupItem>, std::string> inspect_setup(const Context& context,
                                                                const Project& project);

// What `init --uninstall` undoes: the .gitattributes line (the file too when nothing else is
// left in it), the merge driver config, each hook migline installed (an earlier hook kept as
// `*.before-migline` is put back), and manifest files never added to git. `ok`: nothing to do.
tl::expected<std::vector<SetupItem>, std::string> inspect_uninstall(const Context& context,
                                                                    const Project& project);

}  // namespace migline::cli
