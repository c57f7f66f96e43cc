#include "cli/context.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "cli/output.hpp"
#include "fs/file_io.hpp"
#include "project/config.hpp"

namespace migline::cli {
namespace {

Diagnostic plain_error(std::string message, std::string hint = {}) {
  Diagnostic d;
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

}  // namespace

tl::expected<Context, Diagnostic> Context::open(const GlobalOptions& options) {
  namespace fs = std::filesystem;
  Context context;
  context.color_stdout_ = use_color(options.color, stdout);
  context.color_stderr_ = use_color(options.color, stderr);
  std::error_code ec;
  if (!options.directory.empty()) {
    fs::current_path(options.directory_path, ec);
    if (ec) {
      return tl::make_unexpected(
          plain_error(fmt::format("cannot change to '{}': {}", options.directory, ec.message())));
    }
  }
  const fs::path cwd = fs::current_path(ec);
  if (ec) return tl::make_unexpected(plain_error("cannot read the current directory"));

  auto repo = GitRepository::discover(cwd.string(), options.git_environment);
  if (!repo) return tl::make_unexpected(plain_error(repo.error()));
  if (!*repo) {
    context.root_ = cwd.string();
    return context;
  }
  context.repo_ = std::make_shared<const GitRepository>(std::move(**repo));
  const fs::path workdir = fs::weakly_canonical(context.repo_->workdir(), ec);
  auto inside_workdir = [&](const fs::path& d) {
    const fs::path relative = d.lexically_relative(workdir);
    return !relative.empty() && *relative.begin() != "..";
  };
  // Only directories inside the work tree count: git may run us from outside it.
  fs::path root = workdir;
  for (fs::path d = fs::weakly_canonical(cwd, ec); inside_workdir(d); d = d.parent_path()) {
    if (is_regular_file((d / std::string(kConfigFileName)).string())) {
      root = d;
      break;
    }
    if (d == workdir) break;
  }
  const fs::path relative = root.lexically_relative(workdir);
  context.root_ = root.string();
  context.prefix_ = relative == "." ? "" : relative.generic_string();
  return context;
}

tl::expected<std::unique_ptr<FileSource>, Diagnostic> Context::open_source(
    const SourceOptions& options) const {
  tl::expected<std::unique_ptr<FileSource>, std::string> source =
      tl::make_unexpected(std::string());
  if (!repo_) {
    if (options.staged || !options.rev.empty()) {
      return tl::make_unexpected(plain_error(
          fmt::format("{} needs a git repository", options.staged ? "--staged" : "--rev"),
          "run inside a git work tree, or drop the option to read the directory"));
    }
    source = open_directory_source(root_);
  } else if (options.staged) {
    source = open_index_source(repo_, prefix_);
  } else if (!options.rev.empty()) {
    source = open_tree_source(repo_, prefix_, options.rev);
  } else {
    source = open_worktree_source(repo_, prefix_);
  }
  if (!source) return tl::make_unexpected(plain_error(source.error()));
  return std::move(*source);
}

}  // namespace migline::cli
