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

namespace migline {
namespace {

bool is_regular_blob(std::uint32_t mode) {
  return mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE;
}

// Files and symlinks are listed; a symlink is refused when it is read, with a clear message.
bool is_listed(std::uint32_t mode) {
  return is_regular_blob(mode) || mode == GIT_FILEMODE_LINK;
}

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

// True when an entry is racily clean: its file was modified no earlier than the index file
// `index` was written, so a later change within the same tick may not show in its stat data.
bool is_racy(const IndexStat& entry, const struct stat& index) {
  return entry.mtime_s > index.st_mtim.tv_sec ||
         (entry.mtime_s == index.st_mtim.tv_sec &&
          entry.mtime_ns >= static_cast<std::uint32_t>(index.st_mtim.tv_nsec));
}

git_oid oid_of(const GitIndexEntry& entry) {
  git_oid id;
  std::memcpy(id.id, entry.id.data(), entry.id.size());
  return id;
}

// Reads index file `path` without libgit2, which takes 5x as long as git for 100,000 entries
// (it also builds a map of them). False when the file cannot be read or is not one this
// reader takes in full: libgit2 is asked then, and says what is wrong.
bool read_index_directly(const std::string& path,
                         const std::function<void(const GitIndexEntry&)>& each) {
  auto mapped = MappedFile::open(path);
  return mapped && read_git_index_file(mapped->bytes(), each);
}

}  // namespace

bool stat_matches(const GitFile& file, const struct stat& st) {
  if (!file.stat || !S_ISREG(st.st_mode) || !is_regular_blob(file.mode)) return false;
  const IndexStat& s = *file.stat;
  // The index keeps the low 32 bits of inode and size, as git does.
  return s.size == static_cast<std::uint32_t>(st.st_size) &&
         s.ino == static_cast<std::uint32_t>(st.st_ino) && s.mtime_s == st.st_mtim.tv_sec &&
         s.mtime_ns == static_cast<std::uint32_t>(st.st_mtim.tv_nsec) &&
         s.ctime_s == st.st_ctim.tv_sec &&
         s.ctime_ns == static_cast<std::uint32_t>(st.st_ctim.tv_nsec);
}

git_oid blob_id(std::string_view content) {
  git_oid id{};
  ensure_libgit2();
  (void)git_odb_hash(&id, content.data(), content.size(), GIT_OBJECT_BLOB);
  return id;
}

std::string GitRepository::common_dir() const {
  std::string dir = git_repository_commondir(repo_.get());
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

std::string GitRepository::git_dir() const {
  std::string dir = git_repository_path(repo_.get());
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

std::string GitRepository::index_path() const {
  const char* index_file = std::getenv("GIT_INDEX_FILE");
  if (index_file != nullptr && *index_file != '\0') return index_file;
  return git_dir() + "/index";
}

tl::expected<std::optional<GitRepository>, std::string> GitRepository::discover(
    const std::string& directory) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  // Like git, GIT_DIR (and GIT_WORK_TREE) override discovery; libgit2 1.5 cannot honour
  // GIT_WORK_TREE through GIT_REPOSITORY_OPEN_FROM_ENV, so both are applied here.
  const char* git_dir = std::getenv("GIT_DIR");
  const char* work_tree = std::getenv("GIT_WORK_TREE");
  int rc = git_dir != nullptr && *git_dir != '\0'
               ? git_repository_open(&raw, git_dir)
               : git_repository_open_ext(&raw, directory.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND && (git_dir == nullptr || *git_dir == '\0')) {
    return std::optional<GitRepository>();
  }
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitRepository repo;
  repo.repo_.reset(raw);
  repo.listings_ = std::make_shared<TreeListings>();
  if (work_tree != nullptr && *work_tree != '\0') {
    rc = git_repository_set_workdir(raw, work_tree, 0);
    if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  }
  const char* workdir = git_repository_workdir(raw);
  if (workdir == nullptr) {
    return tl::make_unexpected(fmt::format("{} is a bare repository", directory));
  }
  repo.workdir_ = workdir;
  while (repo.workdir_.size() > 1 && repo.workdir_.back() == '/') repo.workdir_.pop_back();
  return std::optional<GitRepository>(std::move(repo));
}

tl::expected<std::vector<GitFile>, std::string> GitRepository::index_files(
    const GitPathFilter& keep) const {
  // Stat first: an index replaced between the two then has entries that look racy, never the
  // reverse. Without the index file's own mtime no entry can vouch for the work tree.
  struct stat index_stat {};
  const std::string path = index_path();
  const bool stat_known = ::stat(path.c_str(), &index_stat) == 0;
  auto trusted = [&](const IndexStat& s) -> std::optional<IndexStat> {
    if (!stat_known || is_racy(s, index_stat)) return std::nullopt;
    return s;
  };
  std::vector<GitFile> out;
  auto read = each_index_entry(
      path, [&] { out.clear(); },
      [&](const GitIndexEntry& e) {
        if (e.stage != 0 || !is_listed(e.mode) || !keep(e.path)) return;
        out.push_back(GitFile{
            std::string(e.path), oid_of(e), e.mode,
            trusted(IndexStat{e.mtime_s, e.mtime_ns, e.ctime_s, e.ctime_ns, e.ino, e.size})});
      });
  if (!read) return tl::make_unexpected(read.error());
  return out;
}

tl::expected<void, std::string> GitRepository::each_index_entry(
    const std::string& path, const std::function<void()>& start,
    const std::function<void(const GitIndexEntry&)>& each) const {
  start();
  if (read_index_directly(path, each)) return {};
  start();  // the direct read may have called `each` before it gave up
  auto index = open_index();
  if (!index) return tl::make_unexpected(index.error());
  const std::size_t count = git_index_entrycount(index->get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index->get(), i);
    if (entry == nullptr) continue;
    GitIndexEntry e;
    e.path = entry->path;
    std::copy(std::begin(entry->id.id), std::end(entry->id.id), e.id.begin());
    e.mode = entry->mode;
    e.stage = git_index_entry_stage(entry);
    e.ctime_s = static_cast<std::uint32_t>(entry->ctime.seconds);
    e.ctime_ns = entry->ctime.nanoseconds;
    e.mtime_s = static_cast<std::uint32_t>(entry->mtime.seconds);
    e.mtime_ns = entry->mtime.nanoseconds;
    e.ino = entry->ino;
    e.size = entry->file_size;
    each(e);
  }
  return {};
}

struct GitRepository::TreeListings {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const std::vector<GitFile>>> by_tree;  // raw id bytes
};

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

// git status (and libgit2's) stats every tracked file to see whether it changed; only names
// are wanted here, and readdir gives them: at 100,000 files this walk takes a tenth of the
// time. Each candidate that `keep` selects is then looked up in the index and the ignore rules.
tl::expected<std::vector<std::string>, std::string> GitRepository::untracked_files(
    const std::string& prefix, const GitPathFilter& keep, const GitPathFilter& enter) const {
  std::vector<std::string> indexed;  // at any stage: a conflicted file is not untracked
  auto read = each_index_entry(
      index_path(), [&] { indexed.clear(); },
      [&](const GitIndexEntry& e) {
        if (keep(e.path)) indexed.emplace_back(e.path);
      });
  if (!read) return tl::make_unexpected(read.error());
  std::sort(indexed.begin(), indexed.end());
  std::string error;
  auto ignored = [&](const std::string& path) {
    int flag = 0;
    const int rc = git_ignore_path_is_ignored(&flag, repo_.get(), path.c_str());
    if (rc < 0 && error.empty()) error = path + ": " + git_error_message(rc);
    return rc == 0 && flag == 1;
  };
  std::vector<std::string> out;
  std::vector<std::string> pending{prefix};  // relative to the work tree; "" is its root
  while (!pending.empty()) {
    const std::string dir = std::move(pending.back());
    pending.pop_back();
    DIR* stream = ::opendir((workdir_ + "/" + dir).c_str());
    if (stream == nullptr) continue;  // gone, or not readable: git lists nothing there either
    std::vector<std::pair<std::string, unsigned char>> entries;
    bool nested_repository = false;
    while (const dirent* entry = ::readdir(stream)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      if (name == ".git") {
        nested_repository = !dir.empty();
        continue;
      }
      entries.emplace_back(name, entry->d_type);
    }
    ::closedir(stream);
    if (nested_repository) continue;
    for (auto& [name, type] : entries) {
      std::string path = dir.empty() ? std::move(name) : dir + "/" + name;
      if (type == DT_UNKNOWN) {
        struct stat st {};
        if (::lstat((workdir_ + "/" + path).c_str(), &st) != 0) continue;
        type = S_ISDIR(st.st_mode)   ? DT_DIR
               : S_ISLNK(st.st_mode) ? DT_LNK
               : S_ISREG(st.st_mode) ? DT_REG
                                     : DT_UNKNOWN;
      }
      if (type == DT_DIR) {
        if (enter(path) && !ignored(path)) pending.push_back(std::move(path));
      } else if ((type == DT_REG || type == DT_LNK) && keep(path) &&
                 !std::binary_search(indexed.begin(), indexed.end(), path) && !ignored(path)) {
        out.push_back(std::move(path));
      }
    }
  }
  if (!error.empty()) return tl::make_unexpected("cannot list untracked files: " + error);
  std::sort(out.begin(), out.end());
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

tl::expected<GitIndexPtr, std::string> GitRepository::open_index() const {
  git_index* raw = nullptr;
  // libgit2 does not read GIT_INDEX_FILE itself; `git commit -a` hands hooks a temporary one.
  const char* index_file = std::getenv("GIT_INDEX_FILE");
  int rc = index_file != nullptr && *index_file != '\0' ? git_index_open(&raw, index_file)
                                                        : git_repository_index(&raw, repo_.get());
  if (rc < 0) return tl::make_unexpected("cannot read the index: " + git_error_message(rc));
  return GitIndexPtr(raw);
}

tl::expected<GitObjectPtr, std::string> GitRepository::peel(const std::string& rev,
                                                            git_object_t type,
                                                            const char* missing) const {
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo_.get(), rev.c_str());
  if (rc < 0) {
    return tl::make_unexpected(
        fmt::format("unknown revision '{}': {}", rev, git_error_message(rc)));
  }
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
  if (rc < 0) {
    return tl::make_unexpected(fmt::format("'{}' {}: {}", rev, missing, git_error_message(rc)));
  }
  return GitObjectPtr(peeled);
}

tl::expected<GitTreePtr, std::string> GitRepository::open_tree(const std::string& rev) const {
  auto tree = peel(rev, GIT_OBJECT_TREE, "has no tree");
  if (!tree) return tl::make_unexpected(tree.error());
  return GitTreePtr(reinterpret_cast<git_tree*>(tree->release()));
}

tl::expected<std::optional<git_oid>, std::string> GitRepository::index_entry(
    const std::string& path) const {
  std::optional<git_oid> found;
  auto read = each_index_entry(
      index_path(), [&] { found.reset(); },
      [&](const GitIndexEntry& e) {
        if (e.stage == 0 && e.path == path && is_regular_blob(e.mode)) found = oid_of(e);
      });
  if (!read) return tl::make_unexpected(read.error());
  return found;
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

tl::expected<void, std::string> GitRepository::stage(const std::string& path,
                                                     std::string_view content) const {
  return update_index({IndexUpdate{path, std::string(content)}});
}

tl::expected<void, std::string> GitRepository::update_index(
    const std::vector<IndexUpdate>& updates) const {
  auto index = open_index();
  if (!index) return tl::make_unexpected(index.error());
  for (const IndexUpdate& update : updates) {
    const char* path = update.path.c_str();
    int rc = git_index_conflict_remove(index->get(), path);
    if (rc == GIT_ENOTFOUND) rc = 0;
    if (rc == 0 && !update.content) {
      rc = git_index_remove(index->get(), path, 0);
      if (rc == GIT_ENOTFOUND) rc = 0;
    } else if (rc == 0) {
      // An index opened from GIT_INDEX_FILE has no repository behind it, so the blob is
      // written to the object database first and the entry added by id.
      git_index_entry entry{};
      entry.mode = GIT_FILEMODE_BLOB;
      entry.path = path;
      entry.file_size = static_cast<std::uint32_t>(update.content->size());
      rc = git_blob_create_from_buffer(&entry.id, repo_.get(), update.content->data(),
                                       update.content->size());
      if (rc == 0) rc = git_index_add(index->get(), &entry);
    }
    if (rc < 0) {
      return tl::make_unexpected(
          fmt::format("cannot stage {}: {}", update.path, git_error_message(rc)));
    }
  }
  // Nothing reaches the disk until here; git_index_write replaces the file through a lock.
  if (int rc = git_index_write(index->get()); rc < 0) {
    return tl::make_unexpected("cannot write the index: " + git_error_message(rc));
  }
  return {};
}

tl::expected<std::vector<IndexEntry>, std::string> GitRepository::index_entries(
    const std::vector<std::string>& paths) const {
  auto index = open_index();
  if (!index) return tl::make_unexpected(index.error());
  const std::set<std::string_view> wanted(paths.begin(), paths.end());
  std::vector<IndexEntry> out;
  const std::size_t count = git_index_entrycount(index->get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index->get(), i);
    if (entry == nullptr || wanted.count(entry->path) == 0) continue;
    out.push_back(IndexEntry{entry->path, static_cast<unsigned>(git_index_entry_stage(entry)),
                             entry->mode, entry->id});
  }
  return out;
}

tl::expected<void, std::string> GitRepository::set_index_entries(
    const std::vector<std::string>& paths, const std::vector<IndexEntry>& entries) const {
  auto index = open_index();
  if (!index) return tl::make_unexpected(index.error());
  for (const std::string& path : paths) {
    int rc = git_index_conflict_remove(index->get(), path.c_str());
    if (rc == 0 || rc == GIT_ENOTFOUND) rc = git_index_remove(index->get(), path.c_str(), 0);
    if (rc < 0 && rc != GIT_ENOTFOUND) {
      return tl::make_unexpected(fmt::format("cannot stage {}: {}", path, git_error_message(rc)));
    }
  }
  for (const IndexEntry& wanted : entries) {
    git_index_entry entry{};
    entry.mode = wanted.mode;
    entry.id = wanted.id;
    entry.path = wanted.path.c_str();
    entry.flags = static_cast<std::uint16_t>(wanted.stage << GIT_INDEX_ENTRY_STAGESHIFT);
    if (int rc = git_index_add(index->get(), &entry); rc < 0) {
      return tl::make_unexpected(
          fmt::format("cannot stage {}: {}", wanted.path, git_error_message(rc)));
    }
  }
  if (int rc = git_index_write(index->get()); rc < 0) {
    return tl::make_unexpected("cannot write the index: " + git_error_message(rc));
  }
  return {};
}

tl::expected<std::vector<std::string>, std::string> GitRepository::conflicted_paths() const {
  auto index = open_index();
  if (!index) return tl::make_unexpected(index.error());
  std::vector<std::string> out;
  const std::size_t count = git_index_entrycount(index->get());
  for (std::size_t i = 0; i < count; ++i) {
    const git_index_entry* entry = git_index_get_byindex(index->get(), i);
    if (entry == nullptr || git_index_entry_stage(entry) == 0) continue;
    if (out.empty() || out.back() != entry->path) out.emplace_back(entry->path);
  }
  return out;
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

std::optional<std::string> GitRepository::index_checksum() const {
  const char* index_file = std::getenv("GIT_INDEX_FILE");
  const std::string path = index_file != nullptr && *index_file != '\0'
                               ? std::string(index_file)
                               : std::string(git_repository_path(repo_.get())) + "index";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) return errno == ENOENT ? std::optional<std::string>("none") : std::nullopt;
  struct stat st {};
  unsigned char raw[GIT_OID_RAWSZ] = {};
  const bool read = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
                    st.st_size >= 12 + GIT_OID_RAWSZ &&
                    ::pread(fd, raw, sizeof raw, st.st_size - GIT_OID_RAWSZ) == GIT_OID_RAWSZ;
  ::close(fd);
  if (!read ||
      std::all_of(std::begin(raw), std::end(raw), [](unsigned char c) { return c == 0; })) {
    return std::nullopt;
  }
  git_oid id;
  git_oid_fromraw(&id, raw);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &id);
  return std::string(hex);
}

tl::expected<std::optional<std::string>, std::string> GitRepository::find_commit(
    const std::string& rev) const {
  // libgit2 says GIT_ENOTFOUND for a ref or object that does not exist, and -1 (GIT_ERROR)
  // for a file it could not read, with the system's reason in its message.
  const auto absent = [](int rc) {
    return rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH || rc == GIT_EINVALIDSPEC ||
           rc == GIT_EAMBIGUOUS || rc == GIT_EPEEL;
  };
  git_object* raw = nullptr;
  int rc = git_revparse_single(&raw, repo_.get(), rev.c_str());
  if (absent(rc)) return std::optional<std::string>();
  if (rc < 0)
    return tl::make_unexpected(fmt::format("cannot read '{}': {}", rev, git_error_message(rc)));
  GitObjectPtr object(raw);
  git_object* peeled = nullptr;
  rc = git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT);
  if (absent(rc)) return std::optional<std::string>();
  if (rc < 0)
    return tl::make_unexpected(fmt::format("cannot read '{}': {}", rev, git_error_message(rc)));
  GitObjectPtr commit(peeled);
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, git_object_id(commit.get()));
  return std::optional<std::string>(hex);
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
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &base);
  return std::optional<std::string>(hex);
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

using GitConfigPtr = std::unique_ptr<git_config, GitDeleter<git_config_free>>;

tl::expected<std::optional<std::string>, std::string> GitRepository::config_value(
    const std::string& name) const {
  git_config* raw = nullptr;
  int rc = git_repository_config_snapshot(&raw, repo_.get());
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitConfigPtr config(raw);
  const char* value = nullptr;
  rc = git_config_get_string(&value, config.get(), name.c_str());
  if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  return std::optional<std::string>(value);
}

namespace {

// The repository's own config file (.git/config), for writing.
tl::expected<GitConfigPtr, std::string> open_local_config(git_repository* repo) {
  git_config* raw = nullptr;
  int rc = git_repository_config(&raw, repo);
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitConfigPtr config(raw);
  git_config* local = nullptr;
  rc = git_config_open_level(&local, config.get(), GIT_CONFIG_LEVEL_LOCAL);
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  return GitConfigPtr(local);
}

}  // namespace

tl::expected<void, std::string> GitRepository::set_local_config(const std::string& name,
                                                                const std::string& value) const {
  auto local = open_local_config(repo_.get());
  if (!local) return tl::make_unexpected(local.error());
  const int rc = git_config_set_string(local->get(), name.c_str(), value.c_str());
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  return {};
}

tl::expected<void, std::string> GitRepository::unset_local_config(const std::string& name) const {
  auto local = open_local_config(repo_.get());
  if (!local) return tl::make_unexpected(local.error());
  const int rc = git_config_delete_entry(local->get(), name.c_str());
  if (rc < 0 && rc != GIT_ENOTFOUND) return tl::make_unexpected(git_error_message(rc));
  return {};
}

tl::expected<std::string, std::string> GitRepository::hooks_dir() const {
  auto configured = config_value("core.hooksPath");
  if (!configured) return tl::make_unexpected(configured.error());
  if (*configured && !(*configured)->empty()) {
    const std::string& path = **configured;
    return path.front() == '/' ? path : workdir_ + "/" + path;
  }
  return common_dir() + "/hooks";
}

tl::expected<bool, std::string> GitRepository::has_filter_drivers() const {
  git_config* raw = nullptr;
  int rc = git_repository_config_snapshot(&raw, repo_.get());
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitConfigPtr config(raw);
  // Matched here, not with git_config_iterator_glob_new: libgit2 1.5 leaks the match data
  // of every name its regex does not match.
  git_config_iterator* iterator = nullptr;
  rc = git_config_iterator_new(&iterator, config.get());
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  bool found = false;
  git_config_entry* entry = nullptr;
  while (!found && (rc = git_config_next(&entry, iterator)) == 0) {
    const std::string_view name = entry->name;
    const auto ends_with = [&](std::string_view end) {
      return name.size() >= end.size() && name.substr(name.size() - end.size()) == end;
    };
    found = name.substr(0, 7) == "filter." && (ends_with(".clean") || ends_with(".process"));
  }
  git_config_iterator_free(iterator);
  if (!found && rc != GIT_ITEROVER) return tl::make_unexpected(git_error_message(rc));
  return found;
}

}  // namespace migline
