#include "git/repository.hpp"

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
#include "fs/file_status.hpp"
#include "git/file_mode.hpp"
#include "git/oid.hpp"

namespace migline {
namespace {

// A time in nanoseconds since the epoch as seconds and nanoseconds, as struct timespec has it.
std::pair<std::int64_t, std::uint32_t> split_time(std::int64_t ns) {
  std::int64_t seconds = ns / 1'000'000'000;
  std::int64_t rest = ns % 1'000'000'000;
  if (rest < 0) {
    --seconds;
    rest += 1'000'000'000;
  }
  return {seconds, static_cast<std::uint32_t>(rest)};
}

bool is_racy(const IndexStat& entry, const FileStatus& index) {
  const auto [seconds, nanoseconds] = split_time(index.mtime_ns);
  return entry.mtime_s > seconds || (entry.mtime_s == seconds && entry.mtime_ns >= nanoseconds);
}

git_oid oid_of(const GitIndexEntry& entry) {
  git_oid id;
  std::memcpy(id.id, entry.id.data(), entry.id.size());
  return id;
}

bool read_index_directly(const std::string& path,
                         const std::function<void(const GitIndexEntry&)>& each) {
  auto mapped = MappedFile::open(path);
  return mapped && read_git_index_file(mapped->bytes(), each);
}

}  // namespace

bool stat_matches(const GitFile& file, const FileStatus& st) {
  if (!file.stat || !st.is_regular() || !is_regular_blob(file.mode)) return false;
  const IndexStat& s = *file.stat;
  const auto mtime = split_time(st.mtime_ns);
  const auto ctime = split_time(st.ctime_ns);
  // The index keeps the low 32 bits of inode and size, as git does.
  return s.size == static_cast<std::uint32_t>(st.size) &&
         s.ino == static_cast<std::uint32_t>(st.ino) && s.mtime_s == mtime.first &&
         s.mtime_ns == mtime.second && s.ctime_s == ctime.first && s.ctime_ns == ctime.second;
}

std::string GitRepository::index_path() const {
  if (!index_file_.empty()) return index_file_;
  return git_dir() + "/index";
}

tl::expected<std::vector<GitFile>, std::string> GitRepository::index_files(
    const GitPathFilter& keep) const {
  // Stat first: an index replaced between the two then has entries that look racy, never the
  // reverse. Without the index file's own mtime no entry can vouch for the work tree.
  const std::string path = index_path();
  const auto index_status = followed_file_status(path);
  const bool stat_known = index_status && *index_status;
  auto trusted = [&](const IndexStat& s) -> std::optional<IndexStat> {
    if (!stat_known || is_racy(s, **index_status)) return std::nullopt;
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

tl::expected<GitIndexPtr, std::string> GitRepository::open_index() const {
  git_index* raw = nullptr;
  // libgit2 does not read GIT_INDEX_FILE itself; `git commit -a` hands hooks a temporary one.
  int rc = !index_file_.empty() ? git_index_open(&raw, index_file_.c_str())
                                : git_repository_index(&raw, repo_.get());
  if (rc < 0) return tl::make_unexpected("cannot read the index: " + git_error_message(rc));
  return GitIndexPtr(raw);
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

tl::expected<void, std::string> GitRepository::stage(const std::string& path,
                                                     std::string_view content) const {
  return update_index({FileChange{path, std::string(content)}});
}

tl::expected<void, std::string> GitRepository::update_index(
    const std::vector<FileChange>& updates) const {
  auto index = open_index();
  if (!index) return tl::make_unexpected(index.error());
  for (const FileChange& update : updates) {
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

std::optional<std::string> GitRepository::index_checksum() const {
  // The header (12 bytes) and the trailing checksum at least.
  auto tail = read_file_tail(index_path(), GIT_OID_RAWSZ, 12 + GIT_OID_RAWSZ);
  if (!tail) return std::nullopt;
  if (!*tail) return std::optional<std::string>("none");
  const std::string& raw = **tail;
  if (std::all_of(raw.begin(), raw.end(), [](char c) { return c == 0; })) return std::nullopt;
  git_oid id;
  git_oid_fromraw(&id, reinterpret_cast<const unsigned char*>(raw.data()));
  return oid_hex(id);
}

}  // namespace migline
