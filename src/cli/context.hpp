#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "core/text/diagnostic.hpp"
#include "git/repository.hpp"
#include "project/project_loader.hpp"

namespace migline::cli {

// Options every command takes.
struct GlobalOptions {
  std::string directory;       // -C DIR, as given
  std::string color = "auto";  // --color
  // Filled in after parsing: -C DIR made absolute (opening a context twice lands in the same
  // place), and the arguments as given, which name a command's cached answer.
  std::string directory_path;
  std::vector<std::string> args;
  // GIT_DIR, GIT_WORK_TREE and GIT_INDEX_FILE as migline found them when it started.
  GitEnvironment git_environment;
};

// Which files a command reads: the work tree (default), the index, or a revision's tree.
struct SourceOptions {
  bool staged = false;
  std::string rev;
};

// Where a command runs: the project root, and the repository around it if there is one.
class Context {
 public:
  // Applies -C, finds the repository and the project root: the nearest directory from the
  // current one up to the work tree root that holds .migline.yaml, else the work tree root
  // (outside git: the current directory).
  static tl::expected<Context, Diagnostic> open(const GlobalOptions& options);

  // The files `options` selects.
  tl::expected<std::unique_ptr<FileSource>, Diagnostic> open_source(
      const SourceOptions& options) const;

  const std::string& root() const { return root_; }
  // The repository, or null outside git.
  const std::shared_ptr<const GitRepository>& repo() const { return repo_; }
  // The project root relative to the work tree root; "" when they are the same.
  const std::string& prefix() const { return prefix_; }
  // `relative` (to the project root) as a path relative to the work tree root.
  std::string repo_path(const std::string& relative) const {
    return prefix_.empty() ? relative : prefix_ + "/" + relative;
  }
  bool color_stdout() const { return color_stdout_; }
  bool color_stderr() const { return color_stderr_; }

 private:
  std::shared_ptr<const GitRepository> repo_;  // null outside git
  std::string root_;
  std::string prefix_;  // root relative to the work tree root; "" when they are the same
  bool color_stdout_ = false;
  bool color_stderr_ = false;
};

}  // namespace migline::cli
