#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/manifest/manifest_merge.hpp"
#include "core/text/repo_path.hpp"

// The merge driver's fixtures (tests/fixtures/merge, also run through the binary by
// tests/e2e/test_merge_driver.py) against the merge core itself: contents in, contents out.
// A case is `base`, `ours`, `theirs`, `expected`, `exit`, optionally `path` and `args`.

namespace migline {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// git's -l/-x/-y as the driver takes them.
MergeLabels labels_from(const std::string& args) {
  MergeLabels labels;
  std::istringstream words(args);
  std::string flag;
  std::string value;
  while (words >> flag >> value) {
    if (flag == "-l") labels.marker_size = std::stoi(value);
    if (flag == "-x") labels.ours = value;
    if (flag == "-y") labels.theirs = value;
  }
  return labels;
}

// `shop/orders/migrations/max_migration.txt` -> "orders", as the driver names the app.
std::string_view app_of(std::string_view path) {
  return path_basename(path_dirname(path_dirname(path)));
}

// The cases that are not manifests on every side: the core refuses them and the driver
// merges lines instead (git/line_merge), which the end-to-end test covers.
const std::set<std::string> kLineMergeCases = {
    "already_conflicted_input", "garbage_conflicts_in_line_merge",
    "garbage_falls_back_to_line_merge", "per_app_garbage_falls_back"};

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(fs::path(MIGLINE_FIXTURES_DIR) / "merge")) {
    if (entry.is_directory()) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every merge fixture gives its expected text and outcome in the merge core") {
  const std::vector<fs::path> all = cases();
  REQUIRE(all.size() >= 20);
  std::set<std::string> refused;
  for (const fs::path& dir : all) {
    const std::string name = dir.filename().string();
    INFO("fixture " << name);
    const std::string base = slurp(dir / "base");
    const std::string ours = slurp(dir / "ours");
    const std::string theirs = slurp(dir / "theirs");
    const std::string path = fs::exists(dir / "path") ? trimmed(slurp(dir / "path"))
                                                      : std::string("migrations.lock.yaml");
    const MergeLabels labels =
        labels_from(fs::exists(dir / "args") ? slurp(dir / "args") : std::string());
    const int exit = std::stoi(slurp(dir / "exit"));

    const std::optional<ManifestMerge> merged =
        path_basename(path) == "max_migration.txt"
            ? merge_max_migration(app_of(path), base, ours, theirs, labels)
            : merge_manifest(path_basename(path), base, ours, theirs, labels);
    if (!merged) {
      refused.insert(name);
      CHECK(exit == 1);
      continue;
    }
    CHECK(merged->text == slurp(dir / "expected"));
    CHECK(merged->conflicts.empty() == (exit == 0));
    CHECK(std::is_sorted(merged->conflicts.begin(), merged->conflicts.end()));
  }
  CHECK(refused == kLineMergeCases);
}

}  // namespace migline
