#include "project/write_journal.hpp"

#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "core/plan/file_change.hpp"
#include "fs/atomic_write.hpp"
#include "fs/durability.hpp"
#include "fs/file_io.hpp"
#include "fs/file_ops.hpp"
#include "fs/file_status.hpp"
#include "git/commit_rewrite.hpp"
#include "git/oid.hpp"
#include "project/journal_files.hpp"
#include "project/journal_plan.hpp"

namespace migline {
namespace {

constexpr const char* kFinishOrUndo =
    "run `migline resolve` to finish it or `migline resolve --abort` to undo it";

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
    if (auto put = put_journaled_file(root, file.path, *file.after, fresh, std::nullopt); !put)
      return put;
  }
  for (const JournalFile& file : journal.files) {
    if (file.after) continue;
    if (auto removed = remove_journaled_file(root, file.path); !removed) return removed;
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
  return sync_journal_writes(indexed, journal, true);
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
        done = remove_journaled_file(root, file.path);
        break;
      case JournalBefore::Content:
        done = put_journaled_file(root, file.path, file.before.data, false, file.before.mode);
        break;
      case JournalBefore::Blob: {
        auto id = parse_oid(file.before.data);
        auto content = id ? repo.read_blob(*id) : tl::make_unexpected(std::string("bad blob id"));
        if (!content) {
          return tl::make_unexpected(
              file_error(file.path, fmt::format("cannot read its former content (blob {}): {}",
                                                file.before.data, content.error())));
        }
        done = put_journaled_file(root, file.path, *content, false, file.before.mode);
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
  return sync_journal_writes(indexed, journal, false);
}

tl::expected<void, std::string> record(const GitRepository& repo, const WriteJournal& journal) {
  const std::string path = journal_path(repo);
  const std::string directory = parent_of(path);
  auto made = make_directory(directory, 0755);
  if (!made)
    return tl::make_unexpected(fmt::format("cannot create {}: {}", directory, made.error()));
  if (*made) {
    if (auto synced = sync_directory(repo.git_dir()); !synced) return synced;
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
    (void)remove_file(path);
    return synced;
  }
  durable_step("journal");
  return {};
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
  if (auto removed = remove_file(path); !removed) {
    return tl::make_unexpected(
        file_error("", fmt::format("cannot remove {}: {}", path, removed.error()), kFinishOrUndo));
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
  auto status = file_status(path);
  if (!status) {
    return tl::make_unexpected(
        fmt::format("cannot read {}: {}", path, std::strerror(status.error())));
  }
  if (!*status) return std::optional<WriteJournal>();
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
