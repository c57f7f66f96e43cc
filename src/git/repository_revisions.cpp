#include "git/repository.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/codec/git_index_file.hpp"
#include "fs/file_io.hpp"
#include "git/file_mode.hpp"
#include "git/oid.hpp"
#include "git/tree_listings.hpp"

namespace migline {
namespace {

struct TreeWalk {
  const GitPathFilter* keep;
  std::vector<GitFile>* out;
};

int collect_tree_entry(const char* root, const git_tree_entry* entry, void* payload) {
  auto* walk = static_cast<TreeWalk*>(payload);
  const auto mode = static_cast<std::uint32_t>(git_tree_entry_filemode(entry));
  if (!is_listed(mode)) return 0;
  std::string path = std::string(root) + git_tree_entry_name(entry);
  if (!(*walk->keep)(path)) return 0;
  walk->out->push_back(GitFile{std::move(path), *git_tree_entry_id(entry), mode, std::nullopt});
  return 0;
}

}  // namespace

git_oid blob_id(std::string_view content) {
  git_oid id{};
  ensure_libgit2();
  (void)git_odb_hash(&id, content.data(), content.size(), GIT_OBJECT_BLOB);
  return id;
}

tl::expected<std::vector<GitFile>, std::string> GitRepository::tree_files(
    const std::string& rev, const GitPathFilter& keep) const {
  auto tree = open_tree(rev);
  if (!tree) return tl::make_unexpected(tree.error());
  const git_oid* tree_id = git_tree_id(tree->get());
  const std::string key(reinterpret_cast<const char*>(tree_id->id), GIT_OID_RAWSZ);
  std::shared_ptr<const std::vector<GitFile>> all;
  if (listings_) {
    std::lock_guard<std::mutex> lock(listings_->mutex);
    if (auto it = listings_->by_tree.find(key); it != listings_->by_tree.end()) all = it->second;
  }
  if (!all) {
    auto files = std::make_shared<std::vector<GitFile>>();
    const GitPathFilter everything = [](std::string_view) { return true; };
    TreeWalk walk{&everything, files.get()};
    int rc = git_tree_walk(tree->get(), GIT_TREEWALK_PRE, collect_tree_entry, &walk);
    if (rc < 0) {
      return tl::make_unexpected(
          fmt::format("cannot list the files of '{}': {}", rev, git_error_message(rc)));
    }
    all = files;
    if (listings_) {
      std::lock_guard<std::mutex> lock(listings_->mutex);
      if (listings_->by_tree.size() >= 16) listings_->by_tree.clear();  // a bound, never reached
      listings_->by_tree.emplace(key, all);
    }
  }
  std::vector<GitFile> out;
  for (const GitFile& file : *all) {
    if (keep(file.path)) out.push_back(file);
  }
  return out;
}

tl::expected<std::string, std::string> GitRepository::read_blob(const git_oid& id) const {
  git_blob* raw = nullptr;
  int rc = git_blob_lookup(&raw, repo_.get(), &id);
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitBlobPtr blob(raw);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<std::size_t>(git_blob_rawsize(blob.get())));
}

tl::expected<GitObjectPtr, GitRepository::RevisionError> GitRepository::resolve_revision(
    const std::string& rev, git_object_t type) const {
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo_.get(), rev.c_str());
  if (rc < 0) return tl::make_unexpected(RevisionError{rc, true, git_error_message(rc)});
  GitObjectPtr object(raw);
  git_object* peeled = nullptr;
  if (type == GIT_OBJECT_TREE && git_object_type(object.get()) == GIT_OBJECT_COMMIT) {
    // git_object_peel words a tree it cannot read (EIO) as "cannot be peeled" and drops the
    // cause; the lookup itself keeps it, and says "not found" only for a missing tree.
    git_tree* tree = nullptr;
    rc = git_commit_tree(&tree, reinterpret_cast<const git_commit*>(object.get()));
    peeled = reinterpret_cast<git_object*>(tree);
  } else {
    rc = git_object_peel(&peeled, object.get(), type);
  }
  if (rc < 0) return tl::make_unexpected(RevisionError{rc, false, git_error_message(rc)});
  return GitObjectPtr(peeled);
}

tl::expected<GitObjectPtr, std::string> GitRepository::peel(const std::string& rev,
                                                            git_object_t type,
                                                            const char* missing) const {
  auto object = resolve_revision(rev, type);
  if (object) return std::move(*object);
  const RevisionError& e = object.error();
  if (e.unresolved)
    return tl::make_unexpected(fmt::format("unknown revision '{}': {}", rev, e.message));
  return tl::make_unexpected(fmt::format("'{}' {}: {}", rev, missing, e.message));
}

tl::expected<GitTreePtr, std::string> GitRepository::open_tree(const std::string& rev) const {
  auto tree = peel(rev, GIT_OBJECT_TREE, "has no tree");
  if (!tree) return tl::make_unexpected(tree.error());
  return GitTreePtr(reinterpret_cast<git_tree*>(tree->release()));
}

tl::expected<std::optional<git_oid>, std::string> GitRepository::tree_entry(
    const std::string& rev, const std::string& path) const {
  auto tree = open_tree(rev);
  if (!tree) return tl::make_unexpected(tree.error());
  git_tree_entry* raw = nullptr;
  int rc = git_tree_entry_bypath(&raw, tree->get(), path.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<git_oid>();
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  std::unique_ptr<git_tree_entry, GitDeleter<git_tree_entry_free>> entry(raw);
  if (!is_regular_blob(static_cast<std::uint32_t>(git_tree_entry_filemode(raw)))) {
    return std::optional<git_oid>();
  }
  return std::optional<git_oid>(*git_tree_entry_id(raw));
}

tl::expected<GitOperation, std::string> GitRepository::operation() const {
  GitOperation out;
  const char* incoming = nullptr;
  switch (git_repository_state(repo_.get())) {
    case GIT_REPOSITORY_STATE_NONE:
      return out;
    case GIT_REPOSITORY_STATE_MERGE:
      out.kind = GitOperation::Merge;
      incoming = "MERGE_HEAD";
      break;
    case GIT_REPOSITORY_STATE_CHERRYPICK:
    case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
      out.kind = GitOperation::CherryPick;
      incoming = "CHERRY_PICK_HEAD";
      break;
    case GIT_REPOSITORY_STATE_REBASE:
    case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
    case GIT_REPOSITORY_STATE_REBASE_MERGE:
    case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
      out.kind = GitOperation::Rebase;
      incoming = "REBASE_HEAD";
      break;
    default:
      out.kind = GitOperation::Other;
      return out;
  }
  auto id = find_commit(incoming);
  if (!id) return tl::make_unexpected(id.error());
  out.incoming = std::move(*id);
  return out;
}

tl::expected<git_oid, std::string> GitRepository::commit_oid(const std::string& rev) const {
  auto commit = peel(rev, GIT_OBJECT_COMMIT, "is not a commit");
  if (!commit) return tl::make_unexpected(commit.error());
  return *git_object_id(commit->get());
}

tl::expected<std::optional<std::string>, std::string> GitRepository::find_commit(
    const std::string& rev) const {
  // libgit2 says GIT_ENOTFOUND for a ref or object that does not exist, and -1 (GIT_ERROR)
  // for a file it could not read, with the system's reason in its message.
  const auto absent = [](int rc) {
    return rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH || rc == GIT_EINVALIDSPEC ||
           rc == GIT_EAMBIGUOUS || rc == GIT_EPEEL;
  };
  auto commit = resolve_revision(rev, GIT_OBJECT_COMMIT);
  if (commit) return std::optional<std::string>(oid_hex(*git_object_id(commit->get())));
  if (absent(commit.error().code)) return std::optional<std::string>();
  return tl::make_unexpected(fmt::format("cannot read '{}': {}", rev, commit.error().message));
}

std::optional<std::string> GitRepository::commit_id(const std::string& rev) const {
  auto id = find_commit(rev);
  return id ? *id : std::nullopt;
}

tl::expected<std::optional<std::string>, std::string> GitRepository::symbolic_target(
    const std::string& ref) const {
  git_reference* raw = nullptr;
  const int rc = git_reference_lookup(&raw, repo_.get(), ref.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC) return std::optional<std::string>();
  if (rc < 0)
    return tl::make_unexpected(fmt::format("cannot read {}: {}", ref, git_error_message(rc)));
  std::unique_ptr<git_reference, GitDeleter<git_reference_free>> reference(raw);
  const char* target = git_reference_symbolic_target(raw);
  if (target == nullptr) return std::optional<std::string>();
  return std::optional<std::string>(target);
}

tl::expected<std::optional<std::string>, std::string> GitRepository::merge_base(
    const std::string& a, const std::string& b) const {
  auto first = commit_oid(a);
  if (!first) return tl::make_unexpected(first.error());
  auto second = commit_oid(b);
  if (!second) return tl::make_unexpected(second.error());
  git_oid base;
  int rc = git_merge_base(&base, repo_.get(), &*first, &*second);
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  return std::optional<std::string>(oid_hex(base));
}

tl::expected<std::vector<std::pair<std::string, std::string>>, std::string> GitRepository::renames(
    const std::string& from, const std::string& to, const GitPathFilter& keep) const {
  auto old_tree = open_tree(from);
  if (!old_tree) return tl::make_unexpected(old_tree.error());
  auto new_tree = open_tree(to);
  if (!new_tree) return tl::make_unexpected(new_tree.error());
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  git_diff* raw = nullptr;
  int rc = git_diff_tree_to_tree(&raw, repo_.get(), old_tree->get(), new_tree->get(), &options);
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitDiffPtr diff(raw);
  // git's defaults: renames only, 50% similarity, as `git merge` uses them.
  git_diff_find_options find = GIT_DIFF_FIND_OPTIONS_INIT;
  find.flags = GIT_DIFF_FIND_RENAMES;
  rc = git_diff_find_similar(diff.get(), &find);
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  std::vector<std::pair<std::string, std::string>> out;
  const std::size_t count = git_diff_num_deltas(diff.get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
    if (delta->status != GIT_DELTA_RENAMED || !keep(delta->new_file.path)) continue;
    out.emplace_back(delta->old_file.path, delta->new_file.path);
  }
  return out;
}

}  // namespace migline
