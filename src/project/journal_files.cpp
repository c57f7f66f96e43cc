#include "project/journal_files.hpp"

#include <map>
#include <set>
#include <vector>

#include "core/text/repo_path.hpp"
#include "fs/atomic_write.hpp"
#include "fs/directory_reader.hpp"
#include "fs/durability.hpp"
#include "fs/file_io.hpp"
#include "fs/file_ops.hpp"
#include "fs/file_status.hpp"
#include "git/oid.hpp"

namespace migline {
namespace {

// Up to this many files, each file, blob, index and directory written is fsynced; above, one
// syncfs per filesystem is cheaper (the pre-commit hook writes one file: its commit must not
// wait for everything else dirty on the disk).
constexpr std::size_t kFsyncEachUpTo = 4;

}  // namespace

std::string parent_of(const std::string& path) {
  return path.find('/') == std::string::npos ? "." : std::string(path_dirname(path));
}

bool index_still_there(const WriteJournal& journal) {
  return journal.index_file.empty() || path_exists(journal.index_file);
}

void remove_stray_temporaries(const std::string& root, const WriteJournal& journal) {
  std::map<std::string, std::vector<std::string>> by_directory;
  for (const JournalFile& file : journal.files) {
    const std::string full = root + file.path;
    by_directory[std::string(path_dirname(full))].push_back(std::string(path_basename(full)) +
                                                            ".migline-");
  }
  for (const auto& [directory, prefixes] : by_directory) {
    std::vector<std::string> stray;
    (void)read_directory(directory, [&](const DirectoryEntry& entry) {
      for (const std::string& prefix : prefixes) {
        if (entry.name.size() == prefix.size() + 6 &&
            entry.name.substr(0, prefix.size()) == prefix) {
          stray.emplace_back(entry.name);
        }
      }
    });
    for (const std::string& name : stray) (void)remove_file(directory + "/" + name);
  }
}

tl::expected<void, Diagnostic> put_journaled_file(const std::string& root, const std::string& path,
                                                  const std::string& content, bool fresh,
                                                  std::optional<std::uint32_t> mode) {
  if (!fresh) {
    auto on_disk = read_file(root + path);
    if (on_disk && *on_disk == content) return {};
  }
  if (auto written = write_file_atomic(root + path, content, Durability::Unsynced); !written) {
    return tl::make_unexpected(file_error(path, "cannot write: " + written.error()));
  }
  if (mode) {
    if (auto set = set_mode(root + path, *mode); !set) {
      return tl::make_unexpected(file_error(path, "cannot chmod: " + set.error()));
    }
  }
  durable_step("write " + path);
  return {};
}

tl::expected<void, Diagnostic> remove_journaled_file(const std::string& root,
                                                     const std::string& path) {
  auto removed = remove_file(root + path);
  if (!removed) return tl::make_unexpected(file_error(path, "cannot remove: " + removed.error()));
  if (*removed) durable_step("remove " + path);
  return {};
}

tl::expected<void, Diagnostic> sync_journal_writes(const GitRepository& repo,
                                                   const WriteJournal& journal, bool forward) {
  tl::expected<void, std::string> synced;
  // A moved ref needs its file, the reflog, the new commit and tree objects durable as well:
  // one syncfs covers all of them, and a merge rewrite is rare enough to afford it.
  if (journal.files.size() > kFsyncEachUpTo || journal.ref_move) {
    synced = sync_filesystems(
        {repo.workdir(), repo.git_dir(), parent_of(repo.index_path()), repo.common_dir()});
  } else {
    const std::string root = repo.workdir() + "/";
    std::vector<std::string> files{repo.index_path()};
    std::set<std::string> directories{parent_of(repo.index_path())};
    for (const JournalFile& file : journal.files) {
      directories.insert(parent_of(root + file.path));
      const bool written =
          forward ? file.after.has_value() : file.before.kind != JournalBefore::Absent;
      if (written) files.push_back(root + file.path);
      if (forward && file.after) {
        // The blob libgit2 wrote, unless the object database already had it (maybe packed).
        const std::string id = oid_hex(blob_id(*file.after));
        const std::string objects = repo.common_dir() + "/objects/" + id.substr(0, 2);
        files.push_back(objects + "/" + id.substr(2));
        directories.insert(objects);
      }
    }
    synced = sync_files(files, {directories.begin(), directories.end()});
  }
  if (!synced) return tl::make_unexpected(file_error("", synced.error()));
  durable_step("sync");
  return {};
}

}  // namespace migline
