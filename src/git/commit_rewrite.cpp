#include "git/commit_rewrite.hpp"

#include <memory>

#include <fmt/format.h>

#include "git/oid.hpp"

namespace migline {
namespace {

using GitCommitPtr = std::unique_ptr<git_commit, GitDeleter<git_commit_free>>;
using GitReferencePtr = std::unique_ptr<git_reference, GitDeleter<git_reference_free>>;
using GitSignaturePtr = std::unique_ptr<git_signature, GitDeleter<git_signature_free>>;
using GitReflogPtr = std::unique_ptr<git_reflog, GitDeleter<git_reflog_free>>;

tl::expected<GitCommitPtr, std::string> lookup_commit(const GitRepository& repo,
                                                      const std::string& rev) {
  auto object = repo.resolve_revision(rev, GIT_OBJECT_COMMIT);
  if (!object) {
    const GitRepository::RevisionError& e = object.error();
    return tl::make_unexpected(e.unresolved ? fmt::format("{}: {}", rev, e.message)
                                            : fmt::format("{} is not a commit", rev));
  }
  return GitCommitPtr(reinterpret_cast<git_commit*>(object->release()));
}

// libgit2's check, on writing a tree or commit, that every object it names exists (strict
// object creation, on by default) reads each object's header again; a header it cannot read
// (EIO) is reported as "invalid object specified", and the cause is lost. The objects named
// here are known to exist: read from the commit's own tree, or just written. Set for one
// scope: libgit2 is used from one thread.
class TrustedObjects {
 public:
  TrustedObjects() { git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0); }
  ~TrustedObjects() { git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1); }
  TrustedObjects(const TrustedObjects&) = delete;
  TrustedObjects& operator=(const TrustedObjects&) = delete;
};

bool has_header(const git_commit* commit, const char* field) {
  git_buf buf = GIT_BUF_INIT;
  const int rc = git_commit_header_field(&buf, commit, field);
  git_buf_dispose(&buf);
  return rc == 0;
}

}  // namespace

tl::expected<CommitInfo, std::string> read_commit(const GitRepository& repo,
                                                  const std::string& rev) {
  auto commit = lookup_commit(repo, rev);
  if (!commit) return tl::make_unexpected(commit.error());
  CommitInfo out;
  out.id = oid_hex(*git_commit_id(commit->get()));
  const unsigned count = git_commit_parentcount(commit->get());
  for (unsigned i = 0; i < count; ++i)
    out.parents.push_back(oid_hex(*git_commit_parent_id(commit->get(), i)));
  // A merged signed tag's signature (`mergetag`) would be lost too.
  out.signed_commit = has_header(commit->get(), "gpgsig") || has_header(commit->get(), "mergetag");
  return out;
}

tl::expected<std::string, std::string> last_head_reflog_message(const GitRepository& repo) {
  git_reflog* raw = nullptr;
  // A missing reflog reads as an empty one; only a file that cannot be read fails.
  if (int rc = git_reflog_read(&raw, repo.handle(), "HEAD"); rc < 0) {
    return tl::make_unexpected("cannot read HEAD's reflog: " + git_error_message(rc));
  }
  GitReflogPtr reflog(raw);
  if (git_reflog_entrycount(reflog.get()) == 0) return std::string();
  const char* message = git_reflog_entry_message(git_reflog_entry_byindex(reflog.get(), 0));
  return message == nullptr ? std::string() : std::string(message);
}

tl::expected<std::string, std::string> write_replacement_commit(
    const GitRepository& repo, const std::string& original,
    const std::vector<FileChange>& updates) {
  auto commit = lookup_commit(repo, original);
  if (!commit) return tl::make_unexpected(commit.error());
  git_tree* tree_raw = nullptr;
  int rc = git_commit_tree(&tree_raw, commit->get());
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitTreePtr tree(tree_raw);
  // Only the trees on the updated paths are rebuilt; the repository's index and work tree
  // are not touched.
  std::vector<git_tree_update> changes;
  for (const FileChange& update : updates) {
    git_tree_update change{};
    change.path = update.path.c_str();
    change.filemode = GIT_FILEMODE_BLOB;
    if (!update.content) {
      // Removing what the tree lacks is nothing to do (git_tree_create_updated would fail).
      git_tree_entry* entry = nullptr;
      rc = git_tree_entry_bypath(&entry, tree.get(), update.path.c_str());
      git_tree_entry_free(entry);
      if (rc == GIT_ENOTFOUND) continue;
      if (rc < 0) {
        return tl::make_unexpected(fmt::format("{}: {}", update.path, git_error_message(rc)));
      }
      change.action = GIT_TREE_UPDATE_REMOVE;
    } else {
      change.action = GIT_TREE_UPDATE_UPSERT;
      rc = git_blob_create_from_buffer(&change.id, repo.handle(), update.content->data(),
                                       update.content->size());
      if (rc < 0) {
        return tl::make_unexpected(fmt::format("{}: {}", update.path, git_error_message(rc)));
      }
    }
    changes.push_back(change);
  }
  TrustedObjects trusted;
  git_oid tree_id{};
  rc = git_tree_create_updated(&tree_id, repo.handle(), tree.get(), changes.size(), changes.data());
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  git_tree* new_tree_raw = nullptr;
  rc = git_tree_lookup(&new_tree_raw, repo.handle(), &tree_id);
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitTreePtr new_tree(new_tree_raw);

  const git_signature* old_committer = git_commit_committer(commit->get());
  git_signature* committer_raw = nullptr;
  rc = git_signature_now(&committer_raw, old_committer->name, old_committer->email);
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitSignaturePtr committer(committer_raw);
  std::vector<GitCommitPtr> parents;
  std::vector<const git_commit*> parent_views;
  for (unsigned i = 0; i < git_commit_parentcount(commit->get()); ++i) {
    git_commit* parent = nullptr;
    rc = git_commit_parent(&parent, commit->get(), i);
    if (rc < 0) return tl::make_unexpected(git_error_message(rc));
    parents.emplace_back(parent);
    parent_views.push_back(parent);
  }
  git_oid id{};
  rc = git_commit_create(&id, repo.handle(), nullptr, git_commit_author(commit->get()),
                         committer.get(), git_commit_message_encoding(commit->get()),
                         git_commit_message_raw(commit->get()), new_tree.get(), parent_views.size(),
                         parent_views.data());
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  return oid_hex(id);
}

tl::expected<void, std::string> move_head(const GitRepository& repo, const std::string& expected,
                                          const std::string& target, const std::string& message) {
  git_oid expected_id{}, target_id{};
  if (git_oid_fromstr(&expected_id, expected.c_str()) < 0 ||
      git_oid_fromstr(&target_id, target.c_str()) < 0) {
    return tl::make_unexpected(std::string("not a commit id"));
  }
  git_reference* head_raw = nullptr;
  int rc = git_reference_lookup(&head_raw, repo.handle(), "HEAD");
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitReferencePtr head(head_raw);
  const char* branch = git_reference_type(head.get()) == GIT_REFERENCE_SYMBOLIC
                           ? git_reference_symbolic_target(head.get())
                           : "HEAD";
  git_reference* moved = nullptr;
  {
    // The caller has just written `target` (or knows it, the merge git made); the ref
    // write's own errors name their cause.
    TrustedObjects trusted;
    // libgit2 takes the ref's lock, compares, writes and renames: a concurrent change fails it.
    rc = git_reference_create_matching(&moved, repo.handle(), branch, &target_id, 1, &expected_id,
                                       message.c_str());
  }
  if (rc < 0) return tl::make_unexpected(fmt::format("{}: {}", branch, git_error_message(rc)));
  git_reference_free(moved);
  return {};
}

}  // namespace migline
