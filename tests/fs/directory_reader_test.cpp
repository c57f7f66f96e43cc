#include "fs/directory_reader.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

namespace migline {
namespace {

std::map<std::string, EntryType> entries_of(const std::string& path) {
  std::map<std::string, EntryType> out;
  auto read =
      read_directory(path, [&](const DirectoryEntry& e) { out[std::string(e.name)] = e.type; });
  REQUIRE(read);
  return out;
}

TEST_CASE("read_directory gives every entry but . and .. with its type, never following links") {
  TempDir dir;
  spit(dir.path + "/file.py", "x");
  REQUIRE(::mkdir((dir.path + "/sub").c_str(), 0755) == 0);
  REQUIRE(::symlink("sub", (dir.path + "/to_dir").c_str()) == 0);
  REQUIRE(::symlink("missing", (dir.path + "/dangling").c_str()) == 0);
  REQUIRE(::mkfifo((dir.path + "/fifo").c_str(), 0644) == 0);
  const std::map<std::string, EntryType> expected{{"file.py", EntryType::File},
                                                  {"sub", EntryType::Directory},
                                                  {"to_dir", EntryType::Symlink},
                                                  {"dangling", EntryType::Symlink},
                                                  {"fifo", EntryType::Other}};
  CHECK(entries_of(dir.path) == expected);
  CHECK(entries_of(dir.path + "/sub").empty());
}

TEST_CASE("read_directory says why a directory cannot be read") {
  TempDir dir;
  spit(dir.path + "/file", "x");
  auto each = [](const DirectoryEntry&) { FAIL("no entry expected"); };
  CHECK(read_directory(dir.path + "/absent", each).error() == ENOENT);
  CHECK(read_directory(dir.path + "/file", each).error() == ENOTDIR);
}

TEST_CASE("read_directory closes its handle, also on a directory read many times") {
  TempDir dir;
  spit(dir.path + "/a", "x");
  // More reads than a process may hold descriptors (ulimit -n is 1024 or more here): a leaked
  // DIR* would make opendir fail with EMFILE long before the end.
  for (int i = 0; i < 5000; ++i) {
    int seen = 0;
    REQUIRE(read_directory(dir.path, [&](const DirectoryEntry&) { ++seen; }));
    REQUIRE(seen == 1);
  }
}

}  // namespace
}  // namespace migline
