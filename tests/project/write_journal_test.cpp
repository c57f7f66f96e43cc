#include "project/write_journal.hpp"
#include "project/journal_plan.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

namespace migline {
namespace {

// shell_output() without its trailing newlines.
std::string output_of(const std::string& directory, const std::string& command) {
  std::string out = shell_output(directory, command);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// A repository with `staged.txt` committed and staged as it is on disk, `edited.txt`
// committed but changed on disk since, and a conflict-free index.
struct Repo {
  TempDir dir;
  std::optional<GitRepository> repo;

  Repo() {
    output_of(dir.path,
              "git init -q && git config user.email a@b && git config user.name a && "
              "printf one > staged.txt && printf old > edited.txt && git add . && "
              "git commit -q -m one && printf new > edited.txt && chmod 755 staged.txt && "
              "git add staged.txt");
    auto found = GitRepository::discover(dir.path);
    REQUIRE(found);
    REQUIRE(*found);
    repo.emplace(std::move(**found));
  }
};

const JournalFile& file_of(const WriteJournal& journal, const std::string& path) {
  for (const JournalFile& file : journal.files) {
    if (file.path == path) return file;
  }
  FAIL("no journal entry for " << path);
  throw;
}

}  // namespace

TEST_CASE("a journal plan records each path's state before, in the work tree and index") {
  Repo r;
  const std::string head = output_of(r.dir.path, "git rev-parse HEAD");
  const std::string staged_blob = output_of(r.dir.path, "git rev-parse :staged.txt");
  const std::string edited_blob = output_of(r.dir.path, "git rev-parse :edited.txt");
  auto journal = plan_journal(*r.repo, "resolve",
                              {{"staged.txt", std::string("two")},
                               {"edited.txt", std::nullopt},
                               {"new/file.txt", std::string("x")}},
                              {{"old.py", "new.py"}});
  REQUIRE(journal);
  CHECK(journal->operation == "resolve");
  CHECK(journal->head == head);
  CHECK(journal->index_file.empty());
  CHECK(journal->renames == std::vector<std::pair<std::string, std::string>>{{"old.py", "new.py"}});
  CHECK_FALSE(journal->ref_move);
  REQUIRE(journal->files.size() == 3);

  // Staged as it is on disk: named by its blob, with its mode.
  const JournalFile& staged = file_of(*journal, "staged.txt");
  CHECK(staged.before.kind == JournalBefore::Blob);
  CHECK(staged.before.data == staged_blob);
  CHECK(staged.before.mode == 0755);
  CHECK(staged.after == "two");
  REQUIRE(staged.index_before.size() == 1);
  CHECK(staged.index_before[0].stage == 0);
  CHECK(staged.index_before[0].mode == 0100755);
  CHECK(staged.index_before[0].blob == staged_blob);

  // Changed since it was staged: kept whole.
  const JournalFile& edited = file_of(*journal, "edited.txt");
  CHECK(edited.before.kind == JournalBefore::Content);
  CHECK(edited.before.data == "new");
  CHECK_FALSE(edited.after);
  REQUIRE(edited.index_before.size() == 1);
  CHECK(edited.index_before[0].blob == edited_blob);

  // Not there at all.
  const JournalFile& created = file_of(*journal, "new/file.txt");
  CHECK(created.before.kind == JournalBefore::Absent);
  CHECK(created.index_before.empty());

  // Planning reads only.
  CHECK(slurp(r.dir.path + "/staged.txt") == "one");
  CHECK(slurp(r.dir.path + "/edited.txt") == "new");
  struct stat st {};
  CHECK(::stat((r.dir.path + "/new").c_str(), &st) != 0);
  CHECK(output_of(r.dir.path, "git rev-parse :staged.txt") == staged_blob);
  auto pending = read_journal(*r.repo);
  REQUIRE(pending);
  CHECK_FALSE(*pending);
}

TEST_CASE("a journal plan lists every conflict stage of a path") {
  Repo r;
  output_of(r.dir.path,
            "git commit -q -m staged && git checkout -q -b side && printf side > edited.txt && "
            "git commit -q -am side && git checkout -q - && printf main > edited.txt && "
            "git commit -q -am main && (git merge -q side >/dev/null 2>&1 || true)");
  auto journal = plan_journal(*r.repo, "resolve", {{"edited.txt", std::string("merged")}}, {});
  REQUIRE(journal);
  const JournalFile& edited = file_of(*journal, "edited.txt");
  REQUIRE(edited.index_before.size() == 3);
  CHECK(edited.index_before[0].stage == 1);
  CHECK(edited.index_before[1].stage == 2);
  CHECK(edited.index_before[2].stage == 3);
  // The file holds conflict markers, which no stage names: kept whole.
  CHECK(edited.before.kind == JournalBefore::Content);
  CHECK(edited.before.data.find("<<<<<<<") != std::string::npos);
  // HEAD and the commit being merged in.
  CHECK(journal->head == output_of(r.dir.path, "git rev-parse HEAD") + " " +
                             output_of(r.dir.path, "git rev-parse MERGE_HEAD"));
}

TEST_CASE("a journaled write does what it planned and drops the record") {
  Repo r;
  auto journal = plan_journal(*r.repo, "update",
                              {{"staged.txt", std::string("two")},
                               {"edited.txt", std::nullopt},
                               {"added.txt", std::string("x")}},
                              {});
  REQUIRE(journal);
  auto done = run_journaled(*r.repo, *journal);
  if (!done) FAIL(done.error().path << ": " << done.error().message);
  CHECK(slurp(r.dir.path + "/staged.txt") == "two");
  CHECK(slurp(r.dir.path + "/added.txt") == "x");
  struct stat st {};
  CHECK(::stat((r.dir.path + "/edited.txt").c_str(), &st) != 0);
  CHECK(output_of(r.dir.path, "git ls-files --stage | cut -f2") == "added.txt\nstaged.txt");
  CHECK(output_of(r.dir.path, "git cat-file -p :staged.txt") == "two");
  auto pending = read_journal(*r.repo);
  REQUIRE(pending);
  CHECK_FALSE(*pending);
}

}  // namespace migline
