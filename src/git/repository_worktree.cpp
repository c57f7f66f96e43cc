#include "git/repository.hpp"

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
#include "fs/directory_reader.hpp"
#include "fs/file_io.hpp"
#include "git/file_mode.hpp"

namespace migline {

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
    std::vector<std::pair<std::string, EntryType>> entries;
    bool nested_repository = false;
    auto listed = read_directory(workdir_ + "/" + dir, [&](const DirectoryEntry& entry) {
      if (entry.name == ".git") {
        nested_repository = !dir.empty();
      } else {
        entries.emplace_back(entry.name, entry.type);
      }
    });
    // Gone, or not readable: git lists nothing there either.
    if (!listed || nested_repository) continue;
    for (auto& [name, type] : entries) {
      std::string path = dir.empty() ? std::move(name) : dir + "/" + name;
      if (type == EntryType::Directory) {
        if (enter(path) && !ignored(path)) pending.push_back(std::move(path));
      } else if ((type == EntryType::File || type == EntryType::Symlink) && keep(path) &&
                 !std::binary_search(indexed.begin(), indexed.end(), path) && !ignored(path)) {
        out.push_back(std::move(path));
      }
    }
  }
  if (!error.empty()) return tl::make_unexpected("cannot list untracked files: " + error);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace migline
