#include "project/resolution.hpp"

#include "fs/file_io.hpp"
#include "fs/file_status.hpp"
#include "project/file_source.hpp"
#include "project/journal_plan.hpp"
#include "project/write_journal.hpp"

namespace migline {

namespace {

// What each changed path holds in the work tree now; std::nullopt when absent. A file that
// exists but cannot be read is an error.
tl::expected<std::vector<std::optional<std::string>>, Diagnostic> current_contents(
    const std::string& root, const Resolution& resolution) {
  std::vector<std::optional<std::string>> out;
  for (const FileChange& change : resolution.changes) {
    auto on_disk = read_file(root + change.path);
    if (!on_disk && path_exists(root + change.path)) {
      return tl::make_unexpected(
          file_error(change.path, "cannot read: " + on_disk.error(), "nothing was changed"));
    }
    out.push_back(on_disk ? std::optional<std::string>(std::move(*on_disk)) : std::nullopt);
  }
  return out;
}

tl::expected<void, Diagnostic> check_contents(const Resolution& resolution,
                                              const std::vector<std::optional<std::string>>& now) {
  // Unstaged work and untracked files are not ours. The manifest is regenerated whatever it
  // holds (often conflict markers).
  for (std::size_t i = 0; i < resolution.changes.size(); ++i) {
    const FileChange& change = resolution.changes[i];
    if (!is_relevant_path(change.path)) continue;
    auto before = resolution.before.find(change.path);
    const std::optional<std::string>& on_disk = now[i];
    if (before == resolution.before.end()) {
      if (on_disk) {
        return tl::make_unexpected(file_error(change.path, "exists but is not tracked",
                                              "move it away, then run `migline resolve` again"));
      }
    } else if (!on_disk || *on_disk != before->second) {
      return tl::make_unexpected(file_error(change.path, "has changes that are not staged",
                                            "stage or stash them, then run it again"));
    }
  }
  return {};
}

}  // namespace

tl::expected<void, Diagnostic> check_worktree_for(const GitRepository& repo,
                                                  const Resolution& resolution) {
  auto now = current_contents(repo.workdir() + "/", resolution);
  if (!now) return tl::make_unexpected(now.error());
  return check_contents(resolution, *now);
}

tl::expected<void, Diagnostic> apply_resolution(const GitRepository& repo,
                                                const Resolution& resolution,
                                                std::optional<JournalRefMove> ref_move) {
  // Refuse before touching anything.
  if (auto checked = check_worktree_for(repo, resolution); !checked) return checked;
  const char* operation = ref_move ? "rewrite" : "resolve";
  auto journal =
      plan_journal(repo, operation, resolution.changes, resolution.renames, std::move(ref_move));
  if (!journal) return tl::make_unexpected(journal.error());
  return run_journaled(repo, *journal);
}

}  // namespace migline
