#include "fs/durability.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include <catch2/catch.hpp>

#include "fs/unique_fd.hpp"
#include "temp_dir.hpp"

namespace migline {
namespace {

TEST_CASE("sync_files syncs what exists and skips what is gone") {
  TempDir dir;
  spit(dir.path + "/f", "x");
  CHECK(sync_files({dir.path + "/f", dir.path + "/gone"}, {dir.path, dir.path + "/gone_dir"}));
  CHECK(sync_directory(dir.path));
  CHECK(sync_directory(dir.path + "/gone").error().find("cannot sync " + dir.path + "/gone") == 0);
}

TEST_CASE("sync_filesystems syncs each file system once, and names a path that is not there") {
  TempDir dir;
  spit(dir.path + "/f", "x");
  CHECK(sync_filesystems({dir.path, dir.path + "/f"}));
  auto missing = sync_filesystems({dir.path + "/gone"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().find(dir.path + "/gone") != std::string::npos);
#ifdef __linux__
  CHECK(can_sync_filesystems());
#endif
}

TEST_CASE("sync_descriptor flushes a file and fails on a descriptor that is not open") {
  TempDir dir;
  spit(dir.path + "/f", "x");
  UniqueFd fd(::open((dir.path + "/f").c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(fd);
  CHECK(sync_descriptor(fd.get()) == 0);
  const int closed = fd.release();
  ::close(closed);
  CHECK(sync_descriptor(closed) == -1);
}

}  // namespace
}  // namespace migline
