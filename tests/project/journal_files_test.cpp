#include "project/journal_files.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "fs/file_status.hpp"
#include "temp_dir.hpp"

namespace migline {
namespace {

bool exists(const std::string& path) {
  auto status = file_status(path);
  return status && *status;
}

}  // namespace

TEST_CASE("journal file steps: content already in place is not written again") {
  TempDir dir;
  const std::string root = dir.path + "/";
  spit(root + "same.txt", "same");
  const FileStatus before = **file_status(root + "same.txt");
  CHECK(put_journaled_file(root, "same.txt", "same", false, std::nullopt));
  // An atomic write would have replaced the file: a new inode.
  CHECK((*file_status(root + "same.txt"))->ino == before.ino);
  CHECK(put_journaled_file(root, "same.txt", "changed", false, 0640));
  CHECK(slurp(root + "same.txt") == "changed");
  CHECK(((*file_status(root + "same.txt"))->mode & 07777) == 0640);
  CHECK(put_journaled_file(root, "new.txt", "new", true, std::nullopt));
  CHECK(slurp(root + "new.txt") == "new");
  CHECK(remove_journaled_file(root, "absent.txt"));
  CHECK(remove_journaled_file(root, "new.txt"));
  CHECK_FALSE(exists(root + "new.txt"));
  auto refused = put_journaled_file(root, "missing/dir/x.txt", "x", true, std::nullopt);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().path == "missing/dir/x.txt");
  CHECK(refused.error().message.rfind("cannot write: ", 0) == 0);
}

TEST_CASE("journal file steps: only an interrupted atomic write's temporaries are removed") {
  TempDir dir;
  const std::string root = dir.path + "/";
  spit(root + "a.txt", "a");
  spit(root + "a.txt.migline-Ab12Cd", "half");     // write_file_atomic's temporary
  spit(root + "a.txt.migline-long-name", "mine");  // not six characters: not one of them
  spit(root + "b.txt.migline-Ab12Cd", "other");    // beside a path the journal does not name
  WriteJournal journal;
  JournalFile file;
  file.path = "a.txt";
  journal.files.push_back(file);
  remove_stray_temporaries(root, journal);
  CHECK_FALSE(exists(root + "a.txt.migline-Ab12Cd"));
  CHECK(exists(root + "a.txt.migline-long-name"));
  CHECK(exists(root + "b.txt.migline-Ab12Cd"));
  CHECK(exists(root + "a.txt"));
}

TEST_CASE("parent_of: the directory on disk, '.' for a bare name") {
  CHECK(parent_of("a/b/c.txt") == "a/b");
  CHECK(parent_of("c.txt") == ".");
  CHECK(parent_of("/repo/.git/index") == "/repo/.git");
}

}  // namespace migline
