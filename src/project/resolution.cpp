#include "project/resolution.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "fs/atomic_write.hpp"
#include "fs/file_io.hpp"
#include "project/file_source.hpp"

namespace migline {

namespace {

// What each changed path holds in the work tree now; std::nullopt when absent.
std::vector<std::optional<std::string>> current_contents(const std::string& root,
                                                         const Resolution& resolution) {
  std::vector<std::optional<std::string>> out;
  for (const FileChange& change : resolution.changes) {
    auto on_disk = read_file(root + change.path);
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
  return check_contents(resolution, current_contents(repo.workdir() + "/", resolution));
}

tl::expected<void, Diagnostic> apply_resolution(const GitRepository& repo,
                                                const Resolution& resolution) {
  const std::string root = repo.workdir() + "/";
  // What each path holds now: checked first, put back if a later step fails.
  std::vector<std::optional<std::string>> previous = current_contents(root, resolution);
  if (auto checked = check_contents(resolution, previous); !checked) return checked;
  // The paths touched so far and what they held.
  std::vector<std::pair<std::string, std::optional<std::string>>> journal;
  auto roll_back = [&] {
    for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
      if (it->second) {
        (void)write_file_atomic(root + it->first, *it->second);
      } else {
        std::remove((root + it->first).c_str());
      }
    }
  };
  std::vector<IndexUpdate> updates;
  for (std::size_t i = 0; i < resolution.changes.size(); ++i) {
    const FileChange& change = resolution.changes[i];
    journal.emplace_back(change.path, std::move(previous[i]));
    tl::expected<void, std::string> done;
    if (change.content) {
      done = write_file_atomic(root + change.path, *change.content);
    } else if (std::remove((root + change.path).c_str()) != 0 && errno != ENOENT) {
      done = tl::make_unexpected(std::string(std::strerror(errno)));
    }
    if (!done) {
      roll_back();
      return tl::make_unexpected(
          file_error(change.path, "cannot write: " + done.error(), "nothing was changed"));
    }
    updates.push_back(IndexUpdate{change.path, change.content});
  }
  if (auto staged = repo.update_index(updates); !staged) {
    roll_back();
    return tl::make_unexpected(file_error("", staged.error(), "nothing was changed"));
  }
  return {};
}

}  // namespace migline
