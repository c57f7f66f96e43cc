#include "project/write_journal.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <system_error>

#include <fmt/format.h>

#include "core/text/repo_path.hpp"
#include "fs/atomic_write.hpp"
#include "fs/durability.hpp"
#include "fs/file_io.hpp"
#include "git/commit_rewrite.hpp"
#include "git/oid.hpp"

namespace migline {
namespace {

constexpr const char* kFinishOrUndo =
    "run `migline resolve` to finish it or `migline resolve --abort` to undo it";

// The directory of a path on disk; "." for a bare name.
std::string parent_of(const std::string& path) {
  return path.find('/') == std::string::npos ? "." : std::string(path_dirname(path));
}

// False when the journal's index file is gone: git drops the temporary index of a failed
// commit, and with it what was staged there.
bool index_still_there(const WriteJournal& journal) {
  struct stat st {};
  return journal.index_file.empty() || ::stat(journal.index_file.c_str(), &st) == 0;
}

// Removes the temporary files an interrupted write_file_atomic left beside journaled paths.
void remove_stray_temporaries(const std::string& root, const WriteJournal& journal) {
  std::map<std::string, std::vector<std::string>> by_directory;
  for (const JournalFile& file : journal.files) {
    const std::string full = root + file.path;
    by_directory[std::string(path_dirname(full))].push_back(std::string(path_basename(full)) +
                                                            ".migline-");
  }
  for (const auto& [directory, prefixes] : by_directory) {
    DIR* dir = ::opendir(directory.c_str());
    if (dir == nullptr) continue;
    std::vector<std::string> stray;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string_view name = entry->d_name;
      for (const std::string& prefix : prefixes) {
        if (name.size() == prefix.size() + 6 && name.substr(0, prefix.size()) == prefix) {
          stray.emplace_back(name);
        }
      }
    }
    ::closedir(dir);
    for (const std::string& name : stray) ::unlink((directory + "/" + name).c_str());
  }
}

// Up to this many files, each file, blob, index and directory written is fsynced; above, one
// syncfs per filesystem is cheaper (the pre-commit hook writes one file: its commit must not
// wait for everything else dirty on the disk).
constexpr std::size_t kFsyncEachUpTo = 4;

// Makes durable what carrying out (`forward`) or undoing `journal` wrote.
tl::expected<void, Diagnostic> sync_all(const GitRepository& repo, const WriteJournal& journal,
                                        bool forward) {
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

// Writes `content` at `path` unless it is already there; `fresh`: it is known not to be.
tl::expected<void, Diagnostic> put_file(const std::string& root, const std::string& path,
                                        const std::string& content, bool fresh,
                                        std::optional<std::uint32_t> mode) {
  if (!fresh) {
    auto on_disk = read_file(root + path);
    if (on_disk && *on_disk == content) return {};
  }
  if (auto written = write_file_atomic(root + path, content, Durability::Unsynced); !written) {
    return tl::make_unexpected(file_error(path, "cannot write: " + written.error()));
  }
  if (mode && ::chmod((root + path).c_str(), static_cast<mode_t>(*mode)) != 0) {
    return tl::make_unexpected(
        file_error(path, std::string("cannot chmod: ") + std::strerror(errno)));
  }
  durable_step("write " + path);
  return {};
}

tl::expected<void, Diagnostic> remove_file(const std::string& root, const std::string& path) {
  if (::unlink((root + path).c_str()) != 0) {
    if (errno == ENOENT) return {};
    return tl::make_unexpected(
        file_error(path, std::string("cannot remove: ") + std::strerror(errno)));
  }
  durable_step("remove " + path);
  return {};
}

// The commit HEAD points at now; "" when it cannot be read.
std::string head_commit(const GitRepository& repo) {
  return repo.commit_id("HEAD").value_or("");
}

// Points HEAD's branch at the journal's new commit (`forward`) or back at the old one, unless
// it is there already; the compare-and-swap fails if anything else moved it meanwhile.
// `objects_durable`: the new commit's objects are known to be on disk (record() synced them).
tl::expected<void, Diagnostic> move_ref(const GitRepository& repo, const WriteJournal& journal,
                                        bool forward, bool objects_durable) {
  if (!journal.ref_move) return {};
  const JournalRefMove& move = *journal.ref_move;
  const std::string& from = forward ? move.from : move.to;
  const std::string& to = forward ? move.to : move.from;
  if (head_commit(repo) == to) return {};
  const std::string message =
      forward ? move.message : "migline: undo the linearization of the merge";
  // After a power cut, a ref must not name a commit whose objects did not reach the disk.
  if (forward && !objects_durable) {
    if (auto synced = sync_filesystems({repo.common_dir()}); !synced) {
      return tl::make_unexpected(file_error("", synced.error()));
    }
  }
  if (auto moved = move_head(repo, from, to, message); !moved) {
    return tl::make_unexpected(
        file_error("", fmt::format("cannot move HEAD from {} to {}: {}", from.substr(0, 12),
                                   to.substr(0, 12), moved.error())));
  }
  durable_step(forward ? "ref" : "ref back");
  return {};
}

// Carries out `journal`; `fresh`: nothing of it was done yet. Sets `*index_written` once the
// index holds the new entries.
tl::expected<void, Diagnostic> roll_forward(const GitRepository& repo, const WriteJournal& journal,
                                            bool fresh, bool* index_written) {
  if (auto moved = move_ref(repo, journal, true, fresh); !moved) return moved;
  const std::string root = repo.workdir() + "/";
  for (const JournalFile& file : journal.files) {
    if (!file.after) continue;
    if (auto put = put_file(root, file.path, *file.after, fresh, std::nullopt); !put) return put;
  }
  for (const JournalFile& file : journal.files) {
    if (file.after) continue;
    if (auto removed = remove_file(root, file.path); !removed) return removed;
  }
  // The index the journal was planned on, whatever index this process was handed.
  const GitRepository indexed = repo.with_index_file(journal.index_file);
  if (index_still_there(journal)) {
    std::vector<FileChange> updates;
    for (const JournalFile& file : journal.files) updates.push_back({file.path, file.after});
    if (auto staged = indexed.update_index(updates); !staged) {
      return tl::make_unexpected(file_error("", staged.error()));
    }
    if (index_written != nullptr) *index_written = true;
    durable_step("index");
  }
  return sync_all(indexed, journal, true);
}

// Puts back what `journal` changed; the index only when `restore_index` (an index that was
// never written holds the old entries already, and may be locked by another process).
tl::expected<void, Diagnostic> roll_back(const GitRepository& repo, const WriteJournal& journal,
                                         bool restore_index) {
  const std::string root = repo.workdir() + "/";
  // Backwards: the removed migrations come back before the written ones go.
  for (auto it = journal.files.rbegin(); it != journal.files.rend(); ++it) {
    const JournalFile& file = *it;
    tl::expected<void, Diagnostic> done;
    switch (file.before.kind) {
      case JournalBefore::Absent:
        done = remove_file(root, file.path);
        break;
      case JournalBefore::Content:
        done = put_file(root, file.path, file.before.data, false, file.before.mode);
        break;
      case JournalBefore::Blob: {
        auto id = parse_oid(file.before.data);
        auto content = id ? repo.read_blob(*id) : tl::make_unexpected(std::string("bad blob id"));
        if (!content) {
          return tl::make_unexpected(
              file_error(file.path, fmt::format("cannot read its former content (blob {}): {}",
                                                file.before.data, content.error())));
        }
        done = put_file(root, file.path, *content, false, file.before.mode);
        break;
      }
    }
    if (!done) return done;
  }
  const GitRepository indexed = repo.with_index_file(journal.index_file);
  if (restore_index && index_still_there(journal)) {
    std::vector<std::string> paths;
    std::vector<IndexEntry> entries;
    for (const JournalFile& file : journal.files) {
      paths.push_back(file.path);
      for (const JournalIndexEntry& entry : file.index_before) {
        auto id = parse_oid(entry.blob);
        if (!id) return tl::make_unexpected(file_error(file.path, "bad blob id in the journal"));
        entries.push_back(IndexEntry{file.path, entry.stage, entry.mode, *id});
      }
    }
    if (auto staged = indexed.set_index_entries(paths, entries); !staged) {
      return tl::make_unexpected(file_error("", staged.error()));
    }
    durable_step("index");
  }
  if (auto moved = move_ref(repo, journal, false, true); !moved) return moved;
  return sync_all(indexed, journal, false);
}

tl::expected<void, std::string> record(const GitRepository& repo, const WriteJournal& journal) {
  const std::string path = journal_path(repo);
  const std::string directory = parent_of(path);
  if (::mkdir(directory.c_str(), 0755) == 0) {
    if (auto synced = sync_directory(repo.git_dir()); !synced) return synced;
  } else if (errno != EEXIST) {
    return tl::make_unexpected(
        fmt::format("cannot create {}: {}", directory, std::strerror(errno)));
  }
  if (auto written = write_file_atomic(path, encode_journal(journal)); !written) {
    return tl::make_unexpected(fmt::format("cannot write {}: {}", path, written.error()));
  }
  // The record's directory entry must be durable before anything it describes changes. A
  // rewrite's commit and tree objects (written before the record) must be durable before the
  // ref names them: one syncfs makes both so, where a directory fsync and a syncfs did.
  auto synced = journal.ref_move ? sync_filesystems({directory, repo.common_dir()})
                                 : sync_directory(directory);
  if (!synced) {
    ::unlink(path.c_str());
    return synced;
  }
  durable_step("journal");
  return {};
}

// HEAD and the commit being merged, rebased or cherry-picked, as "HEAD [INCOMING]".
std::string commits_now(const GitRepository& repo) {
  std::string out = repo.commit_id("HEAD").value_or("");
  auto operation = repo.operation();
  if (operation && operation->incoming) out += " " + *operation->incoming;
  return out;
}

// A record is only good for the commit it was planned on: after `git merge --abort` or a
// checkout, finishing or undoing it would write yesterday's files over today's.
tl::expected<void, Diagnostic> still_applies(const GitRepository& repo,
                                             const WriteJournal& journal) {
  std::string now = commits_now(repo);
  if (now == journal.head) return {};
  // A rewrite of the merge commit is planned on the merge, and HEAD is at either commit
  // depending on when it stopped (git drops MERGE_HEAD once the hook has run, so the
  // incoming commit is not compared).
  if (journal.ref_move) {
    now = head_commit(repo);
    if (now == journal.ref_move->from || now == journal.ref_move->to) return {};
  }
  return tl::make_unexpected(file_error(
      "",
      fmt::format("the interrupted {} began at {}, but the repository is now at {}: its record "
                  "no longer applies",
                  journal.operation, journal.head.empty() ? "no commit" : journal.head,
                  now.empty() ? "no commit" : now),
      fmt::format("check the files it names, then remove {}", journal_path(repo))));
}

tl::expected<void, Diagnostic> drop(const GitRepository& repo) {
  const std::string path = journal_path(repo);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return tl::make_unexpected(file_error(
        "", fmt::format("cannot remove {}: {}", path, std::strerror(errno)), kFinishOrUndo));
  }
  // A record that came back after a power cut would undo or redo a finished write.
  if (auto synced = sync_directory(parent_of(path)); !synced) {
    return tl::make_unexpected(file_error(
        "", "the write is complete, but the removal of its journal may not last: " + synced.error(),
        "check the disk"));
  }
  durable_step("drop");
  return {};
}

}  // namespace

std::string journal_path(const GitRepository& repo) {
  return repo.git_dir() + "/migline/journal";
}

tl::expected<std::optional<WriteJournal>, std::string> read_journal(const GitRepository& repo) {
  const std::string path = journal_path(repo);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<WriteJournal>();
    return tl::make_unexpected(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
  }
  auto bytes = read_file(path);
  if (!bytes) return tl::make_unexpected(fmt::format("cannot read {}: {}", path, bytes.error()));
  auto journal = decode_journal(*bytes);
  if (!journal) {
    return tl::make_unexpected(
        fmt::format("{} is damaged (an interrupted write's record that cannot be trusted)", path));
  }
  return std::optional<WriteJournal>(std::move(*journal));
}

std::string interrupted_message(const WriteJournal& journal) {
  const char* what = journal.operation == "update"    ? "a manifest update"
                     : journal.operation == "rewrite" ? "the linearization of a merge commit"
                                                      : "a resolve";
  return fmt::format("{} was interrupted: {}", what, kFinishOrUndo);
}

tl::expected<WriteJournal, Diagnostic> plan_journal(
    const GitRepository& repo, const std::string& operation, const std::vector<FileChange>& changes,
    std::vector<std::pair<std::string, std::string>> renames,
    std::optional<JournalRefMove> ref_move) {
  WriteJournal journal;
  journal.operation = operation;
  journal.ref_move = std::move(ref_move);
  journal.index_file = repo.index_file();
  journal.head = commits_now(repo);
  journal.renames = std::move(renames);
  std::vector<std::string> paths;
  for (const FileChange& change : changes) paths.push_back(change.path);
  auto entries = repo.index_entries(paths);
  if (!entries) return tl::make_unexpected(file_error("", entries.error(), "nothing was changed"));
  std::map<std::string, std::vector<const IndexEntry*>> index_of;
  for (const IndexEntry& entry : *entries) index_of[entry.path].push_back(&entry);
  const std::string root = repo.workdir() + "/";
  for (const FileChange& change : changes) {
    JournalFile file;
    file.path = change.path;
    file.after = change.content;
    const auto& in_index = index_of[change.path];
    for (const IndexEntry* entry : in_index) {
      file.index_before.push_back(JournalIndexEntry{entry->stage, entry->mode, oid_hex(entry->id)});
    }
    struct stat st {};
    if (::lstat((root + change.path).c_str(), &st) == 0) {
      auto on_disk = read_file(root + change.path);
      if (!on_disk) {
        return tl::make_unexpected(
            file_error(change.path, "cannot read: " + on_disk.error(), "nothing was changed"));
      }
      file.before.mode = st.st_mode & 07777;
      const git_oid id = blob_id(*on_disk);
      const bool staged = !in_index.empty() && in_index.front()->stage == 0 &&
                          git_oid_equal(&in_index.front()->id, &id);
      // A staged file is named by its blob, already in the object database; anything else
      // (the manifest with conflict markers) is kept whole.
      file.before.kind = staged ? JournalBefore::Blob : JournalBefore::Content;
      file.before.data = staged ? oid_hex(id) : std::move(*on_disk);
    } else if (errno != ENOENT) {
      return tl::make_unexpected(file_error(
          change.path, std::string("cannot read: ") + std::strerror(errno), "nothing was changed"));
    }
    journal.files.push_back(std::move(file));
  }
  return journal;
}

tl::expected<void, Diagnostic> run_journaled(const GitRepository& repo,
                                             const WriteJournal& journal) {
  if (auto recorded = record(repo, journal); !recorded) {
    return tl::make_unexpected(
        file_error("", "cannot record the plan: " + recorded.error(), "nothing was changed"));
  }
  bool index_written = false;
  auto done = roll_forward(repo, journal, true, &index_written);
  if (!done) {
    Diagnostic error = done.error();
    if (auto undone = roll_back(repo, journal, index_written); !undone) {
      error.message += "; undoing it failed too: " + undone.error().message;
      error.hint = kFinishOrUndo;
      return tl::make_unexpected(error);
    }
    if (auto dropped = drop(repo); !dropped) {
      error.message += "; undone, but " + dropped.error().message;
      error.hint = kFinishOrUndo;
      return tl::make_unexpected(error);
    }
    error.hint = "nothing was changed";
    return tl::make_unexpected(error);
  }
  return drop(repo);
}

tl::expected<void, Diagnostic> finish_journal(const GitRepository& repo,
                                              const WriteJournal& journal) {
  if (auto applies = still_applies(repo, journal); !applies) return applies;
  remove_stray_temporaries(repo.workdir() + "/", journal);
  if (auto done = roll_forward(repo, journal, false, nullptr); !done) return done;
  return drop(repo);
}

tl::expected<void, Diagnostic> undo_journal(const GitRepository& repo,
                                            const WriteJournal& journal) {
  if (auto applies = still_applies(repo, journal); !applies) return applies;
  remove_stray_temporaries(repo.workdir() + "/", journal);
  if (auto done = roll_back(repo, journal, true); !done) return done;
  return drop(repo);
}

}  // namespace migline
