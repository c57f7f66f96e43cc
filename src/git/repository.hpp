#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/plan/file_change.hpp"
#include "fs/file_status.hpp"
#include "git/git_error.hpp"

namespace migline {

struct GitIndexEntry;

// What the index recorded of a file on disk when it was staged (git's "stat data").
struct IndexStat {
  std::int64_t mtime_s = 0;
  std::uint32_t mtime_ns = 0;
  std::int64_t ctime_s = 0;
  std::uint32_t ctime_ns = 0;
  std::uint32_t ino = 0;
  std::uint32_t size = 0;
};

// A file as git records it: path relative to the work tree root, blob id, file mode.
struct GitFile {
  std::string path;
  git_oid id{};
  std::uint32_t mode = 0;
  // Index entries only: stat data that can vouch for the file on disk. Absent when the entry
  // is racily clean (modified in the same tick the index was written), as git rules.
  std::optional<IndexStat> stat;
};

// True when the file `st` describes is still the one the index recorded for `file`, so its
// content is blob `file.id`: same type, size, inode, mtime and ctime, to the nanosecond.
bool stat_matches(const GitFile& file, const FileStatus& st);

// The id git gives a blob holding `content`.
git_oid blob_id(std::string_view content);

// One entry of the index at any stage, as `git ls-files --stage` shows it.
struct IndexEntry {
  std::string path;
  unsigned stage = 0;  // 0, or 1-3 for the sides of a conflict
  std::uint32_t mode = 0;
  git_oid id{};
};

// The operation git is in the middle of, and the commit it is bringing in.
struct GitOperation {
  enum Kind { None, Merge, Rebase, CherryPick, Other } kind = None;
  std::optional<std::string> incoming;  // MERGE_HEAD, CHERRY_PICK_HEAD or REBASE_HEAD
};

// Keeps only the paths worth listing; paths are relative to the work tree root.
using GitPathFilter = std::function<bool(std::string_view)>;

// The variables through which git points its commands and hooks at a repository, read once
// at start-up; empty when unset. Nothing else reads or sets them.
struct GitEnvironment {
  std::string git_dir;     // GIT_DIR: overrides discovery
  std::string work_tree;   // GIT_WORK_TREE: with GIT_DIR, the work tree
  std::string index_file;  // GIT_INDEX_FILE: the index git hands hooks (`git commit -a`)
  std::optional<std::string> reflog_action;  // GIT_REFLOG_ACTION: what git runs a driver in

  // The process's values, each relative one made absolute against the current directory
  // (git may hand hooks relative paths, relative to where they start).
  static GitEnvironment from_process();
};

// An open repository with a work tree, read through libgit2 only (no `git` processes).
class GitRepository {
 public:
  // Opens the repository containing `directory`, or the one `environment` names; std::nullopt
  // when there is none. Its index is `environment.index_file` when set.
  static tl::expected<std::optional<GitRepository>, std::string> discover(
      const std::string& directory, const GitEnvironment& environment = {});

  // This repository (the same libgit2 handle) reading and writing its index at `index_file`;
  // "" for the work tree's own.
  GitRepository with_index_file(std::string index_file) const;
  // The index file given at opening (or by with_index_file); "" for the work tree's own.
  const std::string& index_file() const { return index_file_; }

  // The work tree root, without a trailing slash.
  const std::string& workdir() const { return workdir_; }
  // The repository's own directory (shared by all its work trees), without a trailing slash.
  std::string common_dir() const;
  // This work tree's git directory (.git, or .git/worktrees/NAME), without a trailing slash.
  std::string git_dir() const;
  // The index file commands read and write: index_file() when set, else the work tree's.
  std::string index_path() const;

  // Stage-0 regular files and symlinks of the index (GIT_INDEX_FILE when set, as git does for
  // hooks).
  tl::expected<std::vector<GitFile>, std::string> index_files(const GitPathFilter& keep) const;
  // Regular files and symlinks of the tree of `rev` (any revision expression git understands).
  // A tree is walked once per repository object; later calls filter the same listing.
  tl::expected<std::vector<GitFile>, std::string> tree_files(const std::string& rev,
                                                             const GitPathFilter& keep) const;
  // Untracked files of the work tree that are not ignored, below `prefix` ("" for all), that
  // `keep` selects, sorted; directories `enter` refuses are not looked into. Like git, it
  // does not look into ignored directories or other repositories (submodules).
  tl::expected<std::vector<std::string>, std::string> untracked_files(
      const std::string& prefix, const GitPathFilter& keep, const GitPathFilter& enter) const;
  // The contents of blob `id`.
  tl::expected<std::string, std::string> read_blob(const git_oid& id) const;
  // The stage-0 blob of `path` in the index (GIT_INDEX_FILE when set); nullopt if absent.
  tl::expected<std::optional<git_oid>, std::string> index_entry(const std::string& path) const;
  // The blob of `path` in the tree of `rev`; nullopt if absent.
  tl::expected<std::optional<git_oid>, std::string> tree_entry(const std::string& rev,
                                                               const std::string& path) const;
  // The merge base of revisions `a` and `b` as a hex commit id; nullopt when unrelated.
  tl::expected<std::optional<std::string>, std::string> merge_base(const std::string& a,
                                                                   const std::string& b) const;
  // Files that git's rename detection (`git diff -M`) finds renamed between the trees of
  // `from` and `to`, as (old path, new path), for the new paths `keep` accepts.
  tl::expected<std::vector<std::pair<std::string, std::string>>, std::string> renames(
      const std::string& from, const std::string& to, const GitPathFilter& keep) const;
  // A git config value as git would see it (all levels); nullopt when unset.
  tl::expected<std::optional<std::string>, std::string> config_value(const std::string& name) const;
  // Sets `name` in the repository's own config (.git/config).
  tl::expected<void, std::string> set_local_config(const std::string& name,
                                                   const std::string& value) const;
  // Removes `name` from the repository's own config; absent is fine.
  tl::expected<void, std::string> unset_local_config(const std::string& name) const;
  // Where git looks for hooks: core.hooksPath (relative to the work tree), else .git/hooks.
  tl::expected<std::string, std::string> hooks_dir() const;
  // True when git config names a filter driver (`filter.<name>.clean` or `.process`), which
  // may change a file's bytes between the work tree and the index in any way.
  tl::expected<bool, std::string> has_filter_drivers() const;
  // Writes `content` as a blob and stages it at `path` (mode 100644) in the index, dropping
  // any conflict stages of `path`.
  tl::expected<void, std::string> stage(const std::string& path, std::string_view content) const;
  // Applies all `updates` to the index and writes it once: all of them or, on error, none.
  // Conflict stages of every updated path are dropped.
  tl::expected<void, std::string> update_index(const std::vector<FileChange>& updates) const;
  // Every entry, at every stage, the index holds for any of `paths`, in index order.
  tl::expected<std::vector<IndexEntry>, std::string> index_entries(
      const std::vector<std::string>& paths) const;
  // Makes `entries` the only entries of each of `paths` in the index and writes it once.
  tl::expected<void, std::string> set_index_entries(const std::vector<std::string>& paths,
                                                    const std::vector<IndexEntry>& entries) const;
  // Paths with conflict stages in the index, sorted, each once.
  tl::expected<std::vector<std::string>, std::string> conflicted_paths() const;
  // The merge, rebase or cherry-pick in progress, if any.
  tl::expected<GitOperation, std::string> operation() const;
  // The checksum that ends the index file (GIT_INDEX_FILE when set), as hex: it changes with
  // every byte of the index. "none" without an index; nullopt when unreadable or not written
  // (index.skipHash).
  std::optional<std::string> index_checksum() const;
  // The commit `rev` names, as hex; nullopt when it names none (no such ref or object, or not
  // a commit); an error when git's files cannot be read, with the cause.
  tl::expected<std::optional<std::string>, std::string> find_commit(const std::string& rev) const;
  // find_commit() for callers to whom an unreadable `rev` is as good as none.
  std::optional<std::string> commit_id(const std::string& rev) const;
  // The branch a symbolic ref such as `refs/remotes/origin/HEAD` points to; nullopt if none;
  // an error when the ref cannot be read.
  tl::expected<std::optional<std::string>, std::string> symbolic_target(
      const std::string& ref) const;
  // Why resolve_revision failed: libgit2's code and message, and whether `rev` itself did not
  // resolve (else it named an object that does not peel to the type asked for).
  struct RevisionError {
    int code = 0;
    bool unresolved = false;
    std::string message;
  };
  // `rev` resolved (git_revparse_single) and peeled to `type`. A commit's tree is read with
  // git_commit_tree, which keeps the cause when it cannot be read (git_object_peel drops it).
  tl::expected<GitObjectPtr, RevisionError> resolve_revision(const std::string& rev,
                                                             git_object_t type) const;
  // The libgit2 handle, for the other adapters in src/git/.
  git_repository* handle() const { return repo_.get(); }

 private:
  tl::expected<GitIndexPtr, std::string> open_index() const;
  // Calls `each` for every entry of index file `path`, in order: read directly when it can be,
  // else through libgit2. `start` is called before each attempt, so that what `each` gathered
  // from a direct read that gave up part way can be dropped.
  tl::expected<void, std::string> each_index_entry(
      const std::string& path, const std::function<void()>& start,
      const std::function<void(const GitIndexEntry&)>& each) const;
  tl::expected<GitTreePtr, std::string> open_tree(const std::string& rev) const;
  tl::expected<git_oid, std::string> commit_oid(const std::string& rev) const;
  // `rev` peeled to `type`; the error says `rev` `missing` ("has no tree") and why.
  tl::expected<GitObjectPtr, std::string> peel(const std::string& rev, git_object_t type,
                                               const char* missing) const;

  struct TreeListings;

  std::shared_ptr<git_repository> repo_;
  std::string workdir_;
  std::string index_file_;
  // Every file of the trees tree_files() walked, by tree id: a hook lists the same few trees
  // several times (a merge's parents, its base, the protected branch).
  std::shared_ptr<TreeListings> listings_;
};

}  // namespace migline
