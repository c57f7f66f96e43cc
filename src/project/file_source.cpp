#include "project/file_source.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <set>
#include <unordered_map>

#include "core/text/repo_path.hpp"
#include "fs/directory_reader.hpp"
#include "fs/directory_walk.hpp"
#include "fs/file_io.hpp"
#include "fs/file_status.hpp"
#include "git/repository.hpp"
#include "project/config.hpp"

namespace migline {
namespace {

constexpr std::array<std::string_view, 11> kDefaultExcludes = {
    ".git",          "node_modules",  ".venv", "venv", "env",        ".tox",
    "site-packages", "dist-packages", "build", "dist", "__pycache__"};

std::string_view strip_prefix(std::string_view path, std::string_view prefix) {
  return prefix.empty() ? path : path.substr(prefix.size() + 1);
}

std::string parse_cache_file_of(const GitRepository& repo) {
  return repo.common_dir() + "/migline/parse-cache";
}

bool under_prefix(std::string_view path, std::string_view prefix) {
  return prefix.empty() || (path.size() > prefix.size() && path[prefix.size()] == '/' &&
                            path.substr(0, prefix.size()) == prefix);
}

// Index or tree: every file is a blob.
class BlobSource : public FileSource {
 public:
  // `rev` empty: the index.
  BlobSource(std::shared_ptr<const GitRepository> repo, std::vector<GitFile> files,
             std::string prefix, std::string rev, std::string description)
      : repo_(std::move(repo)),
        prefix_(std::move(prefix)),
        rev_(std::move(rev)),
        description_(std::move(description)) {
    // The index is sorted already; a tree walk lists "a/b" after "a.b".
    auto by_path = [](const GitFile& a, const GitFile& b) { return a.path < b.path; };
    if (!std::is_sorted(files.begin(), files.end(), by_path)) {
      std::sort(files.begin(), files.end(), by_path);
    }
    paths_.reserve(files.size());
    ids_.reserve(files.size());
    for (GitFile& f : files) {
      std::string relative =
          prefix_.empty() ? std::move(f.path) : std::string(strip_prefix(f.path, prefix_));
      if (f.mode == GIT_FILEMODE_LINK) links_.insert(relative);
      paths_.push_back(std::move(relative));
      ids_.push_back(f.id);
    }
  }
  const std::vector<std::string>& paths() const override { return paths_; }
  tl::expected<std::string, std::string> read(std::string_view path) const override {
    const git_oid* id = find(path);
    if (id == nullptr) return tl::make_unexpected(std::string("not in ") + description_);
    if (links_.count(path) != 0) {
      return tl::make_unexpected(std::string(kSymlinkRefused));
    }
    return repo_->read_blob(*id);
  }
  tl::expected<std::optional<std::string>, std::string> read_extra(
      const std::string& path) const override {
    const std::string full = prefix_.empty() ? path : prefix_ + "/" + path;
    auto id = rev_.empty() ? repo_->index_entry(full) : repo_->tree_entry(rev_, full);
    if (!id) return tl::make_unexpected(id.error());
    if (!*id) return std::optional<std::string>();
    auto text = repo_->read_blob(**id);
    if (!text) return tl::make_unexpected(text.error());
    return std::optional<std::string>(std::move(*text));
  }
  std::string describe() const override { return description_; }
  std::optional<KnownBlob> known_blob(std::string_view path) const override {
    const git_oid* id = find(path);
    if (id == nullptr || links_.count(path) != 0) return std::nullopt;
    return KnownBlob{*id, std::nullopt};
  }
  std::string parse_cache_file() const override { return parse_cache_file_of(*repo_); }

 private:
  std::shared_ptr<const GitRepository> repo_;
  std::string prefix_;
  std::string rev_;
  // The blob of a listed path, or null: a binary search of the sorted paths, so that no table
  // is built for 100,000 files of which a run looks up each once. Runs look paths up mostly
  // in order, twice over: the one after the last found, or the last found, is tried first.
  const git_oid* find(std::string_view path) const {
    const std::size_t last = last_found_.load(std::memory_order_relaxed);
    for (std::size_t guess : {last + 1, last}) {
      if (guess < paths_.size() && paths_[guess] == path) return found(guess);
    }
    auto it = std::lower_bound(paths_.begin(), paths_.end(), path);
    if (it == paths_.end() || *it != path) return nullptr;
    return found(static_cast<std::size_t>(it - paths_.begin()));
  }
  const git_oid* found(std::size_t at) const {
    last_found_.store(at, std::memory_order_relaxed);
    return &ids_[at];
  }

  std::vector<std::string> paths_;                  // sorted
  std::vector<git_oid> ids_;                        // the blob of each of paths_
  mutable std::atomic<std::size_t> last_found_{0};  // a hint only: any value is safe
  std::set<std::string, std::less<>> links_;
  std::string description_;
};

// Work tree or plain directory: files on disk below `root`. In a work tree, `blobs` holds
// the files the index vouches for.
class DiskSource : public FileSource {
 public:
  DiskSource(std::string root, std::vector<std::string> paths, std::string description,
             std::unordered_map<std::string, KnownBlob> blobs = {}, std::string cache_file = {})
      : root_(std::move(root)),
        paths_(std::move(paths)),
        description_(std::move(description)),
        blobs_(std::move(blobs)),
        cache_file_(std::move(cache_file)) {
    std::sort(paths_.begin(), paths_.end());
    paths_.erase(std::unique(paths_.begin(), paths_.end()), paths_.end());
  }
  const std::vector<std::string>& paths() const override { return paths_; }
  tl::expected<std::string, std::string> read(std::string_view path) const override {
    if (root_dir_.fd() < 0) return read_file(root_ + "/" + std::string(path));
    return read_file_at(root_dir_.fd(), std::string(path));
  }
  tl::expected<std::optional<std::string>, std::string> read_extra(
      const std::string& path) const override {
    const std::string full = root_ + "/" + path;
    if (!is_regular_file(full)) return std::optional<std::string>();
    auto text = read_file(full);
    if (!text) return tl::make_unexpected(text.error());
    return std::optional<std::string>(std::move(*text));
  }
  std::string describe() const override { return description_; }
  std::optional<KnownBlob> known_blob(std::string_view path) const override {
    auto it = blobs_.find(std::string(path));
    if (it == blobs_.end()) return std::nullopt;
    return it->second;
  }
  std::string parse_cache_file() const override { return cache_file_; }
  // Plain file reads; nothing here changes after construction.
  bool reads_concurrently() const override { return true; }

 private:
  std::string root_;
  std::vector<std::string> paths_;
  std::string description_;
  std::unordered_map<std::string, KnownBlob> blobs_;
  std::string cache_file_;
  OpenDirectory root_dir_{root_};
};

// A FileSource with some files changed in memory.
class OverlaySource : public FileSource {
 public:
  OverlaySource(const FileSource& base, std::map<std::string, std::optional<std::string>> changes)
      : base_(base), changes_(std::move(changes)) {
    for (const std::string& path : base.paths()) {
      if (changes_.count(path) == 0) paths_.push_back(path);
    }
    for (const auto& [path, content] : changes_) {
      if (content && is_relevant_path(path)) paths_.push_back(path);
    }
    std::sort(paths_.begin(), paths_.end());
  }
  const std::vector<std::string>& paths() const override { return paths_; }
  tl::expected<std::string, std::string> read(std::string_view path) const override {
    auto it = changes_.find(std::string(path));
    if (it == changes_.end()) return base_.read(path);
    if (!it->second) return tl::make_unexpected(std::string("removed"));
    return *it->second;
  }
  tl::expected<std::optional<std::string>, std::string> read_extra(
      const std::string& path) const override {
    auto it = changes_.find(path);
    return it == changes_.end() ? base_.read_extra(path) : it->second;
  }
  std::string describe() const override { return base_.describe(); }
  std::optional<KnownBlob> known_blob(std::string_view path) const override {
    if (changes_.count(std::string(path)) != 0) return std::nullopt;
    return base_.known_blob(path);
  }
  std::string parse_cache_file() const override { return base_.parse_cache_file(); }

 private:
  const FileSource& base_;
  std::map<std::string, std::optional<std::string>> changes_;
  std::vector<std::string> paths_;
};

GitPathFilter relevant_under(const std::string& prefix) {
  return [prefix](std::string_view path) {
    return under_prefix(path, prefix) && is_relevant_path(strip_prefix(path, prefix)) &&
           !has_default_excluded_component(strip_prefix(path, prefix));
  };
}

}  // namespace

std::unique_ptr<FileSource> overlay_source(
    const FileSource& base, std::map<std::string, std::optional<std::string>> changes) {
  return std::make_unique<OverlaySource>(base, std::move(changes));
}

bool has_default_excluded_component(std::string_view path) {
  std::size_t begin = 0;
  while (begin <= path.size()) {
    std::size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    std::string_view component = path.substr(begin, end - begin);
    if (std::find(kDefaultExcludes.begin(), kDefaultExcludes.end(), component) !=
        kDefaultExcludes.end()) {
      return true;
    }
    begin = end + 1;
  }
  return false;
}

bool is_relevant_path(std::string_view path) {
  if (path == kConfigFileName) return true;
  const std::string_view file = path_basename(path);
  if (file == "apps.py") return true;
  // Alembic: its config files, env.py, and revisions anywhere below a `versions` directory.
  if (file == "alembic.ini" || file == "pyproject.toml" || file == "env.py") return true;
  if (file.size() < 3 || file.substr(file.size() - 3) != ".py") return false;
  const std::string_view dir = path_dirname(path);
  if (path_basename(dir) == "migrations") return true;
  const std::string padded = "/" + std::string(dir) + "/";
  return padded.find("/versions/") != std::string::npos;
}

tl::expected<std::unique_ptr<FileSource>, std::string> open_worktree_source(
    std::shared_ptr<const GitRepository> repo, std::string prefix) {
  auto tracked = repo->index_files(relevant_under(prefix));
  if (!tracked) return tl::make_unexpected(tracked.error());
  auto untracked = repo->untracked_files(prefix, relevant_under(prefix), [](std::string_view dir) {
    return !has_default_excluded_component(path_basename(dir));
  });
  if (!untracked) return tl::make_unexpected(untracked.error());
  std::string root = prefix.empty() ? repo->workdir() : repo->workdir() + "/" + prefix;
  auto filtered = repo->has_filter_drivers();
  if (!filtered) return tl::make_unexpected(filtered.error());
  std::vector<std::string> paths;
  std::unordered_map<std::string, KnownBlob> blobs;
  const OpenDirectory workdir(repo->workdir());
  for (const GitFile& f : *tracked) {
    // A tracked file deleted from the work tree no longer counts; a symlink does (and is
    // refused when read).
    const auto found = workdir.fd() < 0 ? file_status(repo->workdir() + "/" + f.path)
                                        : file_status_at(workdir.fd(), f.path);
    if (!found || !*found) continue;
    const FileStatus& st = **found;
    paths.emplace_back(strip_prefix(f.path, prefix));
    if (!*filtered && stat_matches(f, st)) blobs.emplace(paths.back(), KnownBlob{f.id, st.size});
  }
  for (const std::string& p : *untracked) paths.emplace_back(strip_prefix(p, prefix));
  return std::make_unique<DiskSource>(std::move(root), std::move(paths), "work tree",
                                      std::move(blobs), parse_cache_file_of(*repo));
}

std::vector<std::string> worktree_watch_paths(const GitRepository& repo, const std::string& prefix,
                                              const std::string& excludes_file,
                                              const std::string& manifest_path) {
  std::vector<std::string> out{repo.common_dir() + "/info/exclude", excludes_file};
  // From the work tree root down to the project root: git reads every .gitignore on the way.
  std::string dir = repo.workdir();
  for (std::size_t begin = 0; begin < prefix.size();) {
    out.push_back(dir);
    out.push_back(dir + "/.gitignore");
    std::size_t end = std::min(prefix.find('/', begin), prefix.size());
    dir += "/" + prefix.substr(begin, end - begin);
    begin = end + 1;
  }
  const std::size_t root_size = dir.size();
  out.push_back(dir + "/" + manifest_path);
  std::vector<std::string> pending{dir};
  while (!pending.empty()) {
    dir = std::move(pending.back());
    pending.pop_back();
    out.push_back(dir);
    // A directory that cannot be read is skipped: its stamp still tells when that changes.
    const std::string parent = dir;
    (void)read_directory(parent, [&](const DirectoryEntry& entry) {
      std::string path = parent + "/" + std::string(entry.name);
      if (entry.type == EntryType::Directory) {
        if (!has_default_excluded_component(entry.name)) pending.push_back(std::move(path));
      } else if (entry.name == ".gitignore" || entry.name == "max_migration.txt" ||
                 is_relevant_path(std::string_view(path).substr(root_size + 1))) {
        out.push_back(std::move(path));
      }
    });
  }
  return out;
}

tl::expected<std::unique_ptr<FileSource>, std::string> open_index_source(
    std::shared_ptr<const GitRepository> repo, std::string prefix) {
  auto files = repo->index_files(relevant_under(prefix));
  if (!files) return tl::make_unexpected(files.error());
  return std::make_unique<BlobSource>(repo, std::move(*files), prefix, "", "index");
}

tl::expected<std::unique_ptr<FileSource>, std::string> open_tree_source(
    std::shared_ptr<const GitRepository> repo, std::string prefix, const std::string& rev) {
  auto files = repo->tree_files(rev, relevant_under(prefix));
  if (!files) return tl::make_unexpected(files.error());
  return std::make_unique<BlobSource>(repo, std::move(*files), prefix, rev, rev);
}

tl::expected<std::unique_ptr<FileSource>, std::string> open_directory_source(std::string root) {
  auto files = walk_directory(
      root, [](std::string_view dir) { return has_default_excluded_component(dir); });
  if (!files) return tl::make_unexpected(files.error());
  std::vector<std::string> paths;
  for (std::string& f : *files) {
    if (is_relevant_path(f)) paths.push_back(std::move(f));
  }
  return std::make_unique<DiskSource>(std::move(root), std::move(paths), "directory");
}

}  // namespace migline
