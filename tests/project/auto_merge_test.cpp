#include "project/auto_merge.hpp"

#include <catch2/catch.hpp>

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

}  // namespace migline
