#include "project/journal_plan.hpp"

#include <cstring>
#include <map>

#include "fs/file_io.hpp"
#include "fs/file_status.hpp"
#include "git/oid.hpp"

namespace migline {

std::string commits_now(const GitRepository& repo) {
  std::string out = repo.commit_id("HEAD").value_or("");
  auto operation = repo.operation();
  if (operation && operation->incoming) out += " " + *operation->incoming;
  return out;
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
    auto status = file_status(root + change.path);
    if (!status) {
      return tl::make_unexpected(
          file_error(change.path, std::string("cannot read: ") + std::strerror(status.error()),
                     "nothing was changed"));
    }
    if (*status) {
      auto on_disk = read_file(root + change.path);
      if (!on_disk) {
        return tl::make_unexpected(
            file_error(change.path, "cannot read: " + on_disk.error(), "nothing was changed"));
      }
      file.before.mode = (*status)->mode & 07777;
      const git_oid id = blob_id(*on_disk);
      const bool staged = !in_index.empty() && in_index.front()->stage == 0 &&
                          git_oid_equal(&in_index.front()->id, &id);
      // A staged file is named by its blob, already in the object database; anything else
      // (the manifest with conflict markers) is kept whole.
      file.before.kind = staged ? JournalBefore::Blob : JournalBefore::Content;
      file.before.data = staged ? oid_hex(id) : std::move(*on_disk);
    }
    journal.files.push_back(std::move(file));
  }
  return journal;
}

}  // namespace migline
