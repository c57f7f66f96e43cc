#pragma once

#include <functional>
#include <string>
#include <string_view>
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

// The migline the hook and the merge driver run: $MIGLINE when set, else `migline` when it is
// on PATH, else the binary this process runs (what `init` records for the hooks), else
// `migline`.
std::string migline_binary();

// The merge driver command git runs: migline_binary(), quoted for the shell when it is a path.
std::string merge_driver_command();

// `text` quoted for POSIX sh as one word: in single quotes, each ' written as '\''.
std::string shell_quote(std::string_view text);

// A hook script from its template: the line `project_dir=.` set to `project_dir` (the
// project's directory relative to the top of the work tree; "" leaves it `.`), and the line
// `init_binary=` to `init_binary`, both quoted for the shell. The error names the line the
// template lacks.
tl::expected<std::string, std::string> hook_script(std::string_view script,
                                                   const std::string& project_dir,
                                                   const std::string& init_binary);

// The migline the installed hooks in `hooks_dir` run, and why that one ($MIGLINE, PATH, or
// the binary `init` recorded in the pre-commit hook); an empty path when none.
struct HookBinary {
  std::string path;
  std::string source;
};
HookBinary hook_binary(const std::string& hooks_dir);

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
