#include "git/repository.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "core/codec/git_index_file.hpp"
#include "fs/file_io.hpp"
#include "git/tree_listings.hpp"

namespace migline {

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

GitEnvironment GitEnvironment::from_process() {
  const auto absolute = [](const char* name) -> std::string {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return {};
    std::error_code ec;
    const std::filesystem::path path = std::filesystem::absolute(value, ec);
    return ec ? std::string(value) : path.string();
  };
  GitEnvironment out;
  out.git_dir = absolute("GIT_DIR");
  out.work_tree = absolute("GIT_WORK_TREE");
  out.index_file = absolute("GIT_INDEX_FILE");
  if (const char* action = std::getenv("GIT_REFLOG_ACTION")) out.reflog_action = action;
  return out;
}

tl::expected<std::optional<GitRepository>, std::string> GitRepository::discover(
    const std::string& directory, const GitEnvironment& environment) {
  ensure_libgit2();
  git_repository* raw = nullptr;
  // Like git, GIT_DIR (and GIT_WORK_TREE) override discovery; libgit2 1.5 cannot honour
  // GIT_WORK_TREE through GIT_REPOSITORY_OPEN_FROM_ENV, so both are applied here.
  const std::string& git_dir = environment.git_dir;
  int rc = !git_dir.empty() ? git_repository_open(&raw, git_dir.c_str())
                            : git_repository_open_ext(&raw, directory.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND && git_dir.empty()) return std::optional<GitRepository>();
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  GitRepository repo;
  repo.repo_.reset(raw, git_repository_free);
  repo.listings_ = std::make_shared<TreeListings>();
  repo.index_file_ = environment.index_file;
  if (!environment.work_tree.empty()) {
    rc = git_repository_set_workdir(raw, environment.work_tree.c_str(), 0);
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

GitRepository GitRepository::with_index_file(std::string index_file) const {
  GitRepository out;
  out.repo_ = repo_;
  out.workdir_ = workdir_;
  out.index_file_ = std::move(index_file);
  out.listings_ = listings_;
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
