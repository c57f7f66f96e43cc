#include "fs/file_ops.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "fs/file_status.hpp"
#include "fs/unique_fd.hpp"
#include "temp_dir.hpp"

namespace migline {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

TEST_CASE("remove_file removes a file; one already gone is fine; a directory is an error") {
  TempDir dir;
  spit(dir.path + "/f", "x");
  CHECK(remove_file(dir.path + "/f") == true);
  CHECK_FALSE(exists(dir.path + "/f"));
  CHECK(remove_file(dir.path + "/f") == false);
  REQUIRE(::mkdir((dir.path + "/d").c_str(), 0755) == 0);
  CHECK_FALSE(remove_file(dir.path + "/d"));
  CHECK(exists(dir.path + "/d"));
}

TEST_CASE("make_directory creates once, accepts an existing directory, refuses a file") {
  TempDir dir;
  CHECK(make_directory(dir.path + "/d") == true);
  CHECK(make_directory(dir.path + "/d") == false);
  CHECK(make_directory(dir.path + "/e", 0700) == true);
  REQUIRE(file_status(dir.path + "/e"));
  CHECK(((*file_status(dir.path + "/e"))->mode & 0077) == 0);
  auto status = file_status(dir.path + "/d");
  REQUIRE(status);
  REQUIRE(*status);
  CHECK((*status)->is_directory());
  spit(dir.path + "/f", "x");
  CHECK(make_directory(dir.path + "/f").error() == "is in the way: not a directory");
  CHECK_FALSE(make_directory(dir.path + "/missing/d"));
}

TEST_CASE("rename_path and set_mode report the cause") {
  TempDir dir;
  spit(dir.path + "/a", "x");
  CHECK(rename_path(dir.path + "/a", dir.path + "/b"));
  CHECK(slurp(dir.path + "/b") == "x");
  CHECK_FALSE(rename_path(dir.path + "/a", dir.path + "/c").error().empty());
  CHECK(set_mode(dir.path + "/b", 0750));
  auto status = file_status(dir.path + "/b");
  REQUIRE(status);
  CHECK(((*status)->mode & 07777) == 0750);
  CHECK_FALSE(set_mode(dir.path + "/absent", 0644));
}

TEST_CASE("file_status is lstat: nothing there is nullopt, a symlink is itself") {
  TempDir dir;
  spit(dir.path + "/f", "hello");
  REQUIRE(::symlink("f", (dir.path + "/link").c_str()) == 0);
  auto file = file_status(dir.path + "/f");
  REQUIRE(file);
  REQUIRE(*file);
  CHECK((*file)->is_regular());
  CHECK((*file)->size == 5);
  CHECK((*file)->mtime_ns > 0);
  auto link = file_status(dir.path + "/link");
  REQUIRE(link);
  CHECK_FALSE((*link)->is_regular());
  CHECK(file_status(dir.path + "/absent").value() == std::nullopt);
  CHECK(file_status(dir.path + "/f/below").value() == std::nullopt);
  CHECK(path_exists(dir.path + "/link"));
  CHECK_FALSE(path_exists(dir.path + "/absent"));
}

TEST_CASE("find_executable searches PATH as the shell does") {
  TempDir dir;
  REQUIRE(::mkdir((dir.path + "/a").c_str(), 0755) == 0);
  REQUIRE(::mkdir((dir.path + "/b").c_str(), 0755) == 0);
  spit(dir.path + "/a/tool", "#!/bin/sh\n");  // not executable: skipped
  spit(dir.path + "/b/tool", "#!/bin/sh\n");
  REQUIRE(::chmod((dir.path + "/b/tool").c_str(), 0755) == 0);
  REQUIRE(::mkdir((dir.path + "/a/dir_tool").c_str(), 0755) == 0);  // a directory: skipped
  const char* saved = std::getenv("PATH");
  const std::string old = saved != nullptr ? saved : "";
  REQUIRE(::setenv("PATH", (dir.path + "/a:" + dir.path + "/b").c_str(), 1) == 0);
  CHECK(find_executable("tool") == dir.path + "/b/tool");
  CHECK(find_executable("dir_tool").empty());
  CHECK(find_executable("absent").empty());
  REQUIRE(::setenv("PATH", old.c_str(), 1) == 0);
}

TEST_CASE("executable_path names this test binary") {
  const std::string self = executable_path();
  REQUIRE_FALSE(self.empty());
  CHECK(self.front() == '/');
  CHECK(self.substr(self.rfind('/') + 1) == "fs_tests");
}

TEST_CASE("UniqueFd closes what it holds, once, and hands it over on move") {
  TempDir dir;
  spit(dir.path + "/f", "x");
  int raw = -1;
  {
    UniqueFd fd(::open((dir.path + "/f").c_str(), O_RDONLY | O_CLOEXEC));
    REQUIRE(fd);
    raw = fd.get();
    UniqueFd moved(std::move(fd));
    CHECK_FALSE(fd);
    CHECK(moved.get() == raw);
    CHECK(::fcntl(raw, F_GETFD) != -1);
  }
  CHECK(::fcntl(raw, F_GETFD) == -1);
}

}  // namespace
}  // namespace migline
