#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <git2/oid.h>
#include <tl/expected.hpp>

namespace migline {

class GitRepository;

// A listed file's blob id, known without reading the file.
struct KnownBlob {
  git_oid id{};
  // Work tree only: the file's size. The file holds exactly the blob's bytes only when the
  // blob is as long: git's eol and ident conversions change the length whenever they change
  // the bytes, and with a filter driver configured no work-tree id is known at all.
  std::optional<std::uint64_t> file_size;
};

// The files a command looks at: a git index, a git tree, a work tree, or a plain directory.
// Paths are relative to the project root, '/' separated, sorted, and only those that can
// matter to migline (migration packages, apps.py, .migline.yaml) are listed.
class FileSource {
 public:
  virtual ~FileSource() = default;
  // The listed paths.
  virtual const std::vector<std::string>& paths() const = 0;
  // The contents of listed `path`; the error says why it could not be read.
  virtual tl::expected<std::string, std::string> read(std::string_view path) const = 0;
  // The contents of any `path`, listed or not (e.g. the manifest); nullopt when absent.
  virtual tl::expected<std::optional<std::string>, std::string> read_extra(
      const std::string& path) const = 0;
  // Where the files come from, for messages: "work tree", "index", "HEAD~1".
  virtual std::string describe() const = 0;
  // The blob of listed `path` when known without reading it: index and tree entries, and
  // work-tree files whose index stat data still matches.
  virtual std::optional<KnownBlob> known_blob(std::string_view path) const = 0;
  // Where parse results of these files may be cached; empty outside git.
  virtual std::string parse_cache_file() const = 0;
  // True when read() and known_blob() may be called from several threads at once.
  virtual bool reads_concurrently() const { return false; }
};

// True for paths migline reads: `*/migrations/*.py`, `*/apps.py`, the config file, and
// Alembic's: `alembic.ini`, `pyproject.toml`, `env.py`, `*.py` below a `versions` directory.
bool is_relevant_path(std::string_view path);

// Tracked and untracked-but-not-ignored files of the work tree below `prefix`.
tl::expected<std::unique_ptr<FileSource>, std::string> open_worktree_source(
    std::shared_ptr<const GitRepository> repo, std::string prefix);
// Absolute paths whose stamps (see answer_cache.hpp), while all unchanged, mean that
// open_worktree_source would list the same files with the same contents, given the same index
// and git config: every directory below the root but default-excluded ones (a file added or
// removed changes its directory), the files there migline reads (with the manifest at
// `manifest_path`, relative to the root), and the ignore files that decide what is untracked
// (`.gitignore` from the work tree root down, info/exclude and `excludes_file`, git's
// core.excludesFile or its default).
std::vector<std::string> worktree_watch_paths(const GitRepository& repo, const std::string& prefix,
                                              const std::string& excludes_file,
                                              const std::string& manifest_path);
// The index (GIT_INDEX_FILE when set) below `prefix`.
tl::expected<std::unique_ptr<FileSource>, std::string> open_index_source(
    std::shared_ptr<const GitRepository> repo, std::string prefix);
// The tree of `rev` below `prefix`.
tl::expected<std::unique_ptr<FileSource>, std::string> open_tree_source(
    std::shared_ptr<const GitRepository> repo, std::string prefix, const std::string& rev);
// Every regular file below `root`, outside git; default-excluded directories are not entered.
tl::expected<std::unique_ptr<FileSource>, std::string> open_directory_source(std::string root);

// `base` with some files replaced, added (a value) or removed (std::nullopt), keyed by path
// relative to the project root; `base` must outlive it. Used to check a plan before writing.
std::unique_ptr<FileSource> overlay_source(
    const FileSource& base, std::map<std::string, std::optional<std::string>> changes);

// True when a path component is one of the default excludes (`.git`, `node_modules`, ...).
bool has_default_excluded_component(std::string_view path);

}  // namespace migline
