#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "git/repository.hpp"
#include "temp_dir.hpp"

namespace migline {
namespace {

int run(const std::string& directory, const std::string& command) {
  return std::system(("cd '" + directory + "' && " + command + " >/dev/null 2>&1").c_str());
}

std::vector<std::string> staged(const GitRepository& repo) {
  auto files = repo.index_files([](std::string_view) { return true; });
  REQUIRE(files);
  std::vector<std::string> out;
  for (const GitFile& f : *files) out.push_back(f.path);
  return out;
}

}  // namespace

TEST_CASE("the index a repository reads is the one it was given, not the environment's") {
  TempDir dir;
  REQUIRE(run(dir.path,
              "git init -q && echo a > own.txt && git add own.txt && echo b > "
              "alt.txt && GIT_INDEX_FILE=.git/alt-index git add alt.txt") == 0);
  GitEnvironment environment;
  environment.index_file = dir.path + "/.git/alt-index";
  auto found = GitRepository::discover(dir.path, environment);
  REQUIRE(found);
  REQUIRE(*found);
  const GitRepository& alt = **found;
  CHECK(alt.index_file() == environment.index_file);
  CHECK(alt.index_path() == environment.index_file);
  CHECK(staged(alt) == std::vector<std::string>{"alt.txt"});

  const GitRepository own = alt.with_index_file("");
  CHECK(own.index_path() == own.git_dir() + "/index");
  CHECK(staged(own) == std::vector<std::string>{"own.txt"});
  CHECK(own.index_checksum() != alt.index_checksum());
  // The original is unchanged.
  CHECK(staged(alt) == std::vector<std::string>{"alt.txt"});

  // GIT_INDEX_FILE set in the process changes nothing once the repository is open.
  REQUIRE(::setenv("GIT_INDEX_FILE", environment.index_file.c_str(), 1) == 0);
  auto plain = GitRepository::discover(dir.path);
  REQUIRE(::unsetenv("GIT_INDEX_FILE") == 0);
  REQUIRE(plain);
  REQUIRE(*plain);
  CHECK(staged(**plain) == std::vector<std::string>{"own.txt"});
}

TEST_CASE("git's variables are read once, relative ones made absolute") {
  TempDir dir;
  char here[4096];
  REQUIRE(::getcwd(here, sizeof here) != nullptr);
  REQUIRE(::chdir(dir.path.c_str()) == 0);
  REQUIRE(::setenv("GIT_INDEX_FILE", ".git/alt-index", 1) == 0);
  REQUIRE(::setenv("GIT_DIR", "/abs/.git", 1) == 0);
  REQUIRE(::setenv("GIT_WORK_TREE", "", 1) == 0);
  REQUIRE(::setenv("GIT_REFLOG_ACTION", "merge topic", 1) == 0);
  const GitEnvironment environment = GitEnvironment::from_process();
  for (const char* name : {"GIT_INDEX_FILE", "GIT_DIR", "GIT_WORK_TREE", "GIT_REFLOG_ACTION"}) {
    REQUIRE(::unsetenv(name) == 0);
  }
  REQUIRE(::chdir(here) == 0);
  char real[4096];
  REQUIRE(::realpath(dir.path.c_str(), real) != nullptr);
  CHECK((environment.index_file == dir.path + "/.git/alt-index" ||
         environment.index_file == std::string(real) + "/.git/alt-index"));
  CHECK(environment.git_dir == "/abs/.git");
  CHECK(environment.work_tree.empty());
  CHECK(environment.reflog_action == "merge topic");
  CHECK_FALSE(GitEnvironment::from_process().reflog_action);
}

}  // namespace migline
