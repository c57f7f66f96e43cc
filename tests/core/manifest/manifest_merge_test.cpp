#include <catch2/catch.hpp>

#include "core/manifest/manifest.hpp"
#include "core/manifest/manifest_merge.hpp"

namespace migline {
namespace {

std::string manifest(const LeafMap& leaves) {
  return render_manifest("m.yaml", leaves);
}

TEST_CASE("manifest merge takes each side's change to a different app", "[manifest_merge]") {
  const LeafMap base = {{"a", {"0001_x"}}, {"b", {"0001_x"}}};
  auto merged =
      merge_manifest("m.yaml", manifest(base), manifest({{"a", {"0002_y"}}, {"b", {"0001_x"}}}),
                     manifest({{"a", {"0001_x"}}, {"c", {"0001_initial"}}}), {});
  REQUIRE(merged);
  CHECK(merged->conflicts.empty());
  CHECK(merged->text == manifest({{"a", {"0002_y"}}, {"c", {"0001_initial"}}}));
}

TEST_CASE("manifest merge gives one hunk for an app changed differently", "[manifest_merge]") {
  const LeafMap base = {{"a", {"0001_x"}}, {"b", {"0001_x"}}};
  MergeLabels labels;
  labels.ours = "HEAD";
  labels.theirs = "feature";
  labels.marker_size = 8;
  auto merged =
      merge_manifest("m.yaml", manifest(base), manifest({{"a", {"0002_y"}}, {"b", {"0001_x"}}}),
                     manifest({{"a", {"0002_z"}}, {"b", {"0001_x"}}}), labels);
  REQUIRE(merged);
  CHECK(merged->conflicts == std::vector<std::string>{"a"});
  CHECK(merged->text == render_manifest_header("m.yaml") +
                            "\n<<<<<<<< HEAD\n  a: 0002_y\n========\n  a: 0002_z\n>>>>>>>> "
                            "feature\n# migline: both branches changed the migrations of 'a'; "
                            "run `migline resolve`\n\n  b: 0001_x\n");
}

TEST_CASE("manifest merge in union mode writes both leaves of a diverged app", "[manifest_merge]") {
  const LeafMap base = {{"a", {"0001_x"}}, {"b", {"0001_x"}}};
  auto merged = merge_manifest(
      "m.yaml", manifest(base), manifest({{"a", {"0002_y"}}, {"b", {"0002_q"}}}),
      manifest({{"a", {"0002_z"}}, {"b", {"0001_x"}}, {"c", {"0001_n"}}}), {}, OnConflict::Union);
  REQUIRE(merged);
  CHECK(merged->conflicts == std::vector<std::string>{"a"});
  CHECK(merged->text ==
        manifest({{"a", {"0002_y", "0002_z"}}, {"b", {"0002_q"}}, {"c", {"0001_n"}}}));
  auto per_app =
      merge_max_migration("a", "0001_x\n", "0002_z\n", "0002_y\n", {}, OnConflict::Union);
  REQUIRE(per_app);
  CHECK(per_app->conflicts == std::vector<std::string>{"a"});
  CHECK(per_app->text == render_max_migration({"0002_y", "0002_z"}));
}

TEST_CASE("manifest merge refuses what is not a manifest", "[manifest_merge]") {
  const std::string good = manifest({{"a", {"0001_x"}}});
  CHECK_FALSE(merge_manifest("m.yaml", good, "garbage\n", good, {}));
  CHECK_FALSE(merge_manifest("m.yaml", good, good, good + "<<<<<<< ours\n", {}));
  CHECK_FALSE(merge_max_migration("a", "0001_x\n", "0001 x\n", "0001_x\n", {}));
}

TEST_CASE("max_migration merge treats an empty base as a file both sides added",
          "[manifest_merge]") {
  auto same = merge_max_migration("a", "", "0001_x\n", "0001_x\n", {});
  REQUIRE(same);
  CHECK(same->text == "0001_x\n");
  auto different = merge_max_migration("a", "", "0001_x\n", "0001_y\n", {});
  REQUIRE(different);
  CHECK(different->conflicts == std::vector<std::string>{"a"});
}

}  // namespace
}  // namespace migline
