#include "project/project_loader.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "project/file_source.hpp"
#include "temp_dir.hpp"

namespace migline {
namespace {

std::string migration(const std::string& dependencies) {
  return "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
         "    dependencies = [" +
         dependencies + "]\n    operations = []\n";
}

void add(const std::string& root, const std::string& path, const std::string& text) {
  const std::string full = root + "/" + path;
  REQUIRE(std::system(("mkdir -p '" + full.substr(0, full.rfind('/')) + "'").c_str()) == 0);
  spit(full, text);
}

}  // namespace

TEST_CASE("migrations are listed by label then name, whatever the order of their directories") {
  // Read in path order (a_dir, lib, mid, zeta), listed by label (alpha, a_dir, mid); the
  // package that defines no migration is skipped wherever it falls.
  TempDir dir;
  add(dir.path, ".migline.yaml", "labels: {zeta: alpha}\n");
  for (const char* app : {"a_dir", "lib", "mid", "zeta"}) {
    add(dir.path, std::string(app) + "/migrations/__init__.py", "");
  }
  add(dir.path, "a_dir/migrations/0001_initial.py", migration(""));
  add(dir.path, "a_dir/migrations/0002_next.py", migration("('a_dir', '0001_initial')"));
  add(dir.path, "lib/migrations/helpers.py", "VALUE = 1\n");
  add(dir.path, "mid/migrations/0001_initial.py", migration("('alpha', '0002_b')"));
  add(dir.path, "mid/migrations/0002_broken.py", "class Migration(:\n");
  add(dir.path, "zeta/migrations/0001_a.py", migration(""));
  add(dir.path, "zeta/migrations/0002_b.py", migration("('alpha', '0001_a')"));
  auto source = open_directory_source(dir.path);
  REQUIRE(source);
  auto project = load_project(**source);
  REQUIRE(project);

  std::vector<std::pair<std::string, std::string>> listed;
  for (const DjangoMigration& m : project->migrations) listed.emplace_back(m.app, m.name);
  CHECK(listed == std::vector<std::pair<std::string, std::string>>{{"a_dir", "0001_initial"},
                                                                   {"a_dir", "0002_next"},
                                                                   {"alpha", "0001_a"},
                                                                   {"alpha", "0002_b"},
                                                                   {"mid", "0001_initial"}});
  CHECK(project->migrations[2].path == "zeta/migrations/0001_a.py");
  std::vector<std::string> labels;
  for (const MigrationPackage& package : project->packages) {
    labels.push_back(package.label);
    for (int i : package.migrations) {
      CHECK(project->migrations[static_cast<std::size_t>(i)].app == package.label);
    }
  }
  CHECK(labels == std::vector<std::string>{"a_dir", "alpha", "mid"});
  REQUIRE(project->skipped.size() == 1);
  CHECK(project->skipped[0].path == "lib/migrations");
  CHECK(project->unreadable.count({"mid", "0002_broken"}) == 1);
  CHECK(project->graph.leaves("alpha").size() == 1);
}

}  // namespace migline
