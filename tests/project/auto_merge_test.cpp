#include "project/auto_merge.hpp"

#include <sys/stat.h>

#include <cstdio>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

namespace migline {

TEST_CASE("the driver defers only inside a merge or a merging pull") {
  // GIT_REFLOG_ACTION as git 2.39 sets it for the driver (docs/decisions.md).
  CHECK(driver_runs_in_merge("merge feature", GitOperation::None));
  CHECK(driver_runs_in_merge("pull --no-rebase origin main", GitOperation::None));
  CHECK(driver_runs_in_merge("pull", GitOperation::None));
  // A rebasing pull says `pull` too, but a rebase is in progress.
  CHECK_FALSE(driver_runs_in_merge("pull -q --rebase origin main", GitOperation::Rebase));
  CHECK_FALSE(driver_runs_in_merge("pull -q origin main (pick)", GitOperation::Rebase));
  CHECK_FALSE(driver_runs_in_merge("rebase (pick)", GitOperation::None));
  CHECK_FALSE(driver_runs_in_merge(std::nullopt, GitOperation::None));  // cherry-pick, revert
  CHECK_FALSE(driver_runs_in_merge("merge feature", GitOperation::CherryPick));
  CHECK_FALSE(driver_runs_in_merge("pullover", GitOperation::None));
  CHECK_FALSE(driver_runs_in_merge("merged", GitOperation::None));
}

TEST_CASE("the driver's config: an unreadable or invalid one is an error, never absent") {
  TempDir dir;
  REQUIRE(::mkdir((dir.path + "/sub").c_str(), 0755) == 0);
  const std::string manifest = dir.path + "/sub/migrations.lock.yaml";
  const std::string config = dir.path + "/sub/.migline.yaml";
  GitEnvironment in_merge;
  in_merge.reflog_action = "merge feature";

  spit(config, "resolve: {auto: false}\n");
  auto off = driver_defers_to_post_merge(manifest, in_merge);
  REQUIRE(off);
  CHECK_FALSE(*off);

  spit(config, "resolve: [\n");
  auto invalid = driver_defers_to_post_merge(manifest, in_merge);
  REQUIRE_FALSE(invalid);
  CHECK(invalid.error().path == config);

  REQUIRE(std::remove(config.c_str()) == 0);
  REQUIRE(::mkdir(config.c_str(), 0755) == 0);
  auto unreadable = driver_defers_to_post_merge(manifest, in_merge);
  REQUIRE_FALSE(unreadable);
  CHECK(unreadable.error().path == config);
  CHECK(unreadable.error().message.rfind("cannot read: ", 0) == 0);

  // Outside a merge the config is not read at all.
  auto outside = driver_defers_to_post_merge(manifest, GitEnvironment{});
  REQUIRE(outside);
  CHECK_FALSE(*outside);
}

}  // namespace migline
