#include "project/answer_cache.hpp"

#include <time.h>

#include <string>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "core/codec/migration_codec.hpp"
#include "temp_dir.hpp"

namespace migline {
namespace {

// A run start far enough ahead that files written by the test count as settled.
timespec settled_start() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  now.tv_sec += 10;
  return now;
}

Answer sample_answer() {
  return Answer{{{false, "orders  0003_total\n"}, {true, "migline: warning\n"}, {false, "ok\n"}},
                1};
}

bool same(const Answer& a, const Answer& b) {
  if (a.status != b.status || a.output.size() != b.output.size()) return false;
  for (std::size_t i = 0; i < a.output.size(); ++i) {
    if (a.output[i].to_stderr != b.output[i].to_stderr || a.output[i].text != b.output[i].text) {
      return false;
    }
  }
  return true;
}

TEST_CASE("an answer is replayed while its question and watched paths are unchanged",
          "[answer_cache]") {
  TempDir dir;
  TempDir cache_dir;  // apart: creating it would change the watched directory
  const AnswerCache cache(cache_dir.path + "/answers");
  const std::string file = dir.path + "/0001_initial.py";
  spit(file, "x = 1\n");
  const std::vector<std::string> watched = {file, dir.path, dir.path + "/absent"};
  REQUIRE(cache.store("leaves", "index abc", watched, sample_answer(), settled_start()).empty());

  auto found = cache.find("leaves", "index abc");
  REQUIRE(found);
  CHECK(same(*found, sample_answer()));
  CHECK_FALSE(cache.find("leaves", "index abd"));
  CHECK_FALSE(cache.find("check", "index abc"));

  SECTION("an edit is seen") {
    spit(file, "x = 2\n");
    CHECK_FALSE(cache.find("leaves", "index abc"));
  }
  SECTION("a path that appears is seen") {
    spit(dir.path + "/absent", "");
    CHECK_FALSE(cache.find("leaves", "index abc"));
  }
}

TEST_CASE("an answer is not recorded while a watched path may still change unseen",
          "[answer_cache]") {
  TempDir dir;
  const AnswerCache cache(dir.path + "/answers");
  spit(dir.path + "/fresh.py", "");
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const std::string why =
      cache.store("leaves", "q", {dir.path + "/fresh.py"}, sample_answer(), now);
  CHECK(why.find("changed too recently") != std::string::npos);
  CHECK_FALSE(cache.find("leaves", "q"));
}

TEST_CASE("a damaged answer file gives the recorded answer or none", "[answer_cache]") {
  TempDir dir;
  const AnswerCache cache(dir.path + "/answers");
  spit(dir.path + "/a.py", "a\n");
  REQUIRE(
      cache.store("graph", "q", {dir.path + "/a.py"}, sample_answer(), settled_start()).empty());
  const std::string file = fmt::format("{}/answers/{:016x}", dir.path, checksum64("graph"));
  const std::string pristine = slurp(file);
  REQUIRE(pristine.size() > 24);

  auto check_damaged = [&](const std::string& bytes) {
    spit(file, bytes);
    auto found = cache.find("graph", "q");
    if (found) CHECK(same(*found, sample_answer()));
    return found.has_value();
  };
  int replayed = 0;
  for (std::size_t i = 0; i < pristine.size(); ++i) {
    for (int bit : {0x01, 0x80}) {
      std::string damaged = pristine;
      damaged[i] = static_cast<char>(damaged[i] ^ bit);
      replayed += check_damaged(damaged) ? 1 : 0;
    }
  }
  // Only the header's reserved word is not covered by the checksum.
  CHECK(replayed == 4 * 2);
  for (std::size_t size = 0; size < pristine.size(); ++size) {
    CHECK_FALSE(check_damaged(pristine.substr(0, size)));
  }
  CHECK_FALSE(check_damaged(pristine + "x"));
}

}  // namespace
}  // namespace migline
