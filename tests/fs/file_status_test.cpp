#include "fs/file_status.hpp"

#include <unistd.h>

#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "fs/file_io.hpp"
#include "temp_dir.hpp"

namespace migline {

TEST_CASE("file_status: nothing there is nullopt; equal statuses until the file changes") {
  TempDir dir;
  const std::string path = dir.path + "/f";
  auto absent = file_status(path);
  REQUIRE(absent);
  CHECK_FALSE(*absent);
  spit(path, "one");
  CHECK_FALSE(*file_status(path + "/below"));  // ENOTDIR counts as absent
  auto before = file_status(path);
  REQUIRE(before);
  REQUIRE(*before);
  CHECK((*before)->is_regular());
  CHECK(**file_status(path) == **before);
  spit(path, "three");
  CHECK(**file_status(path) != **before);
  CHECK(FileStatus{} == FileStatus{});
}

}  // namespace migline

namespace migline {

TEST_CASE("file_status_at looks below an open directory; followed_file_status follows a link") {
  TempDir dir;
  spit(dir.path + "/f", "abc");
  REQUIRE(::symlink("f", (dir.path + "/link").c_str()) == 0);
  const OpenDirectory open(dir.path);
  REQUIRE(open.fd() >= 0);
  auto at = file_status_at(open.fd(), "f");
  REQUIRE(at);
  REQUIRE(*at);
  CHECK(**at == **file_status(dir.path + "/f"));
  CHECK_FALSE(*file_status_at(open.fd(), "absent"));
  auto link = file_status_at(open.fd(), "link");
  REQUIRE(link);
  CHECK_FALSE((*link)->is_regular());
  auto followed = followed_file_status(dir.path + "/link");
  REQUIRE(followed);
  CHECK((*followed)->is_regular());
  CHECK((*followed)->size == 3);
}

TEST_CASE("read_file_tail: the last bytes of a long enough regular file") {
  TempDir dir;
  spit(dir.path + "/f", "headerCHECKSUM");
  CHECK(read_file_tail(dir.path + "/f", 8, 10).value() == std::optional<std::string>("CHECKSUM"));
  CHECK_FALSE(read_file_tail(dir.path + "/f", 8, 15));  // too short
  CHECK(read_file_tail(dir.path + "/absent", 8, 8).value() == std::nullopt);
  CHECK_FALSE(read_file_tail(dir.path, 1, 1));  // a directory
}

}  // namespace migline
