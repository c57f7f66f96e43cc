#include "project/answer_question.hpp"

#include <stdlib.h>

#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

namespace migline {
namespace {

int run(const std::string& directory, const std::string& command) {
  return std::system(("cd '" + directory + "' && " + command + " >/dev/null 2>&1").c_str());
}

// Sets HOME for one test and puts it back: other tests run git, which reads ~/.gitconfig.
class HomeFor {
 public:
  explicit HomeFor(const char* home) {
    if (const char* now = std::getenv("HOME")) saved_ = now;
    REQUIRE(::setenv("HOME", home, 1) == 0);
  }
  ~HomeFor() {
    if (saved_.empty()) {
      ::unsetenv("HOME");
    } else {
      ::setenv("HOME", saved_.c_str(), 1);
    }
  }

 private:
  std::string saved_;
};

GitRepository open(const std::string& path) {
  auto repo = GitRepository::discover(path);
  REQUIRE(repo);
  REQUIRE(*repo);
  return std::move(**repo);
}

}  // namespace

TEST_CASE("the answer's question names each input by content") {
  TempDir dir;
  REQUIRE(run(dir.path,
              "git init -q -b main && git config user.email a@b && git config user.name a && "
              "echo x > f && git add f && git commit -q -m one") == 0);
  const GitRepository repo = open(dir.path);
  const std::string head = *repo.commit_id("HEAD");
  std::string excludes;

  auto revs_only = answer_question(repo, "line\n", AnswerInputs{{"main"}, false, false}, excludes);
  REQUIRE(revs_only);
  CHECK(*revs_only == "line\nrev main " + head + "\n");

  auto with_index = answer_question(repo, "line\n", AnswerInputs{{}, true, false}, excludes);
  REQUIRE(with_index);
  CHECK(with_index->rfind("line\nindex ", 0) == 0);
  CHECK(with_index->size() == std::string("line\nindex \n").size() + 40);

  // Staging anything changes the question; committing moves the revision.
  REQUIRE(run(dir.path, "echo y > g && git add g") == 0);
  auto restaged = answer_question(repo, "line\n", AnswerInputs{{}, true, false}, excludes);
  REQUIRE(restaged);
  CHECK(*restaged != *with_index);
  REQUIRE(run(dir.path, "git commit -q -m two") == 0);
  CHECK(*answer_question(repo, "line\n", AnswerInputs{{"main"}, false, false}, excludes) !=
        *revs_only);

  // A revision that does not resolve leaves the command uncached.
  CHECK_FALSE(answer_question(repo, "line\n", AnswerInputs{{"nowhere"}, false, false}, excludes));
}

TEST_CASE("a work-tree question names git's ignore settings") {
  TempDir dir;
  REQUIRE(run(dir.path,
              "git init -q && git config core.excludesFile '~/ignored' && "
              "git config core.ignoreCase true") == 0);
  const GitRepository repo = open(dir.path);
  const HomeFor home("/home/someone");
  std::string excludes;
  auto question = answer_question(repo, "", AnswerInputs{{}, false, true}, excludes);
  REQUIRE(question);
  CHECK(excludes == "/home/someone/ignored");
  CHECK(*question == "excludes /home/someone/ignored\nignorecase true\n");
}

TEST_CASE("git's default ignore file") {
  const HomeFor home("/h");
  REQUIRE(::unsetenv("XDG_CONFIG_HOME") == 0);
  CHECK(excludes_file(std::nullopt) == "/h/.config/git/ignore");
  CHECK(excludes_file(std::string()) == "/h/.config/git/ignore");
  CHECK(excludes_file(std::string("/etc/ignore")) == "/etc/ignore");
  REQUIRE(::setenv("XDG_CONFIG_HOME", "/x", 1) == 0);
  CHECK(excludes_file(std::nullopt) == "/x/git/ignore");
  REQUIRE(::unsetenv("XDG_CONFIG_HOME") == 0);
}

}  // namespace migline
