#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/codec/git_index_file.hpp"
#include "fs/file_status.hpp"
#include "git/repository.hpp"
#include "temp_dir.hpp"

namespace migline {
namespace {

int run(const std::string& directory, const std::string& command) {
  return std::system(("cd '" + directory + "' && " + command + " >/dev/null 2>&1").c_str());
}

// `git ls-files -s` of the stage-0 files and symlinks, as index_files lists them.
std::string listed_by_git(const std::string& directory) {
  std::istringstream lines(shell_output(directory, "git ls-files -s"));
  std::string out, line;
  while (std::getline(lines, line)) {
    const bool listed = line.rfind("100644 ", 0) == 0 || line.rfind("100755 ", 0) == 0 ||
                        line.rfind("120000 ", 0) == 0;
    if (listed && line.find(" 0\t") != std::string::npos) out += line + "\n";
  }
  return out;
}

std::string listed_by_migline(const GitRepository& repo) {
  auto files = repo.index_files([](std::string_view) { return true; });
  REQUIRE(files);
  std::string out;
  for (const GitFile& f : *files) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, &f.id);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%06o", f.mode);
    out += std::string(mode) + " " + hex + " 0\t" + f.path + "\n";
  }
  return out;
}

bool read_directly(const std::string& index) {
  return read_git_index_file(slurp(index), [](const GitIndexEntry&) {});
}

}  // namespace

TEST_CASE("the index is read as git reads it, in formats 2, 3 and 4") {
  TempDir dir;
  const std::string long_name = std::string(200, 'x') + "/" + std::string(200, 'y');
  REQUIRE(run(dir.path,
              "git init -q && mkdir -p a/migrations/0002_" + std::string(200, 'x') +
                  " b && echo 1 > a/migrations/0001_initial.py"
                  " && echo 2 > a/migrations/0002_" +
                  long_name +
                  ".py && echo 3 > b/run.sh && chmod +x b/run.sh && ln -s ../a b/link"
                  " && echo 4 > b/skipped.py && echo 5 > b/later.py && touch -d 2020-01-01 "
                  "a/migrations/0001_initial.py && git add a b/run.sh b/link b/skipped.py"
                  " && git add -N b/later.py && git update-index --skip-worktree b/skipped.py") ==
          0);
  auto repo = GitRepository::discover(dir.path);
  REQUIRE(repo);
  REQUIRE(*repo);
  for (const char* version : {"4", "3", "2"}) {
    INFO("index format " << version);
    // Format 2 cannot hold the extended flags: drop them for it.
    if (std::string(version) == "2") {
      REQUIRE(run(dir.path,
                  "git update-index --no-skip-worktree b/skipped.py && git rm -q "
                  "--cached b/later.py") == 0);
    }
    REQUIRE(run(dir.path, std::string("git update-index --index-version ") + version) == 0);
    CHECK(read_directly(dir.path + "/.git/index"));
    CHECK(listed_by_migline(**repo) == listed_by_git(dir.path));
  }
  // The stat data vouches for a file that has not changed since, as git's does.
  auto files =
      (*repo)->index_files([](std::string_view p) { return p == "a/migrations/0001_initial.py"; });
  REQUIRE(files);
  REQUIRE(files->size() == 1);
  auto st = file_status(dir.path + "/a/migrations/0001_initial.py");
  REQUIRE(st);
  REQUIRE(*st);
  CHECK(stat_matches(files->front(), **st));
  // Touched since: the stat data no longer vouches for it.
  FileStatus touched = **st;
  touched.mtime_ns += 1;
  CHECK_FALSE(stat_matches(files->front(), touched));
  auto entry = (*repo)->index_entry("a/migrations/0001_initial.py");
  REQUIRE(entry);
  REQUIRE(*entry);
  CHECK(git_oid_equal(&**entry, &files->front().id));
  entry = (*repo)->index_entry("b/link");  // a symlink is no file to read
  REQUIRE(entry);
  CHECK_FALSE(*entry);
}

TEST_CASE("an index that needs more than its own file, or is damaged, is left to libgit2") {
  TempDir dir;
  REQUIRE(run(dir.path, "git init -q && echo 1 > a.py && git add a.py && git commit -qm a") == 0);
  const std::string index = slurp(dir.path + "/.git/index");
  CHECK(read_git_index_file(index, [](const GitIndexEntry&) {}));
  // Cut anywhere: refused, never read past the end, or (cut inside the optional extensions,
  // which git's checksum would catch) the same entries.
  auto entries_of = [](std::string_view bytes, std::vector<std::string>& out) {
    return read_git_index_file(bytes, [&](const GitIndexEntry& e) { out.emplace_back(e.path); });
  };
  std::vector<std::string> whole;
  REQUIRE(entries_of(index, whole));
  for (std::size_t size = 0; size + 1 < index.size(); ++size) {
    std::vector<std::string> cut;
    if (entries_of(std::string_view(index).substr(0, size), cut)) CHECK(cut == whole);
  }
  // Another format number: refused.
  std::string other = index;
  other[7] = 5;
  CHECK_FALSE(read_git_index_file(other, [](const GitIndexEntry&) {}));
  // A split index keeps entries in a second file, named by its `link` extension.
  REQUIRE(run(dir.path, "git update-index --split-index && echo 2 > b.py && git add b.py") == 0);
  CHECK_FALSE(read_directly(dir.path + "/.git/index"));
}

}  // namespace migline

namespace migline {

TEST_CASE("untracked files are those git lists, without looking into what git does not") {
  TempDir dir;
  const std::string& d = dir.path;
  REQUIRE(run(d, "git init -q && git config user.email t@t && git config user.name t") == 0);
  auto add = [&](const std::string& path, const std::string& text = "x = 1\n") {
    REQUIRE(run(d, "mkdir -p \"$(dirname '" + path + "')\"") == 0);
    spit(d + "/" + path, text);
  };
  add(".gitignore",
      "build/\n*.pyc\nignored_app/\nshop/migrations/0009_*.py\n"
      "!shop/migrations/0009_keep.py\n");
  add(".git/info/exclude", "local_only/\n");
  add("shop/migrations/0001_initial.py");  // tracked
  add("shop/migrations/0002_new.py");      // untracked
  add("shop/migrations/0009_scratch.py");  // ignored by pattern
  add("shop/migrations/0009_keep.py");     // re-included
  add("shop/apps.py");
  add("build/lib/shop/migrations/0001_initial.py");  // in an ignored directory
  add("ignored_app/migrations/0001_initial.py");
  add("local_only/migrations/0001_initial.py");
  add("deep/a/b/c/migrations/0001_initial.py");
  add("node_modules/pkg/migrations/0001_initial.py");  // a directory `enter` refuses
  REQUIRE(run(d, "git init -q nested") == 0);          // another repository
  add("nested/app/migrations/0001_initial.py");
  REQUIRE(run(d, "ln -s 0001_initial.py shop/migrations/0003_link.py") == 0);
  // A file in conflict has no stage 0, yet is not untracked.
  add("conflict/migrations/0001_initial.py", "a = 1\n");
  REQUIRE(run(d,
              "git add shop/migrations/0001_initial.py conflict && git commit -qm one && "
              "git checkout -qb side && echo 'a = 2' > conflict/migrations/0001_initial.py && "
              "git commit -qam side && git checkout -q - && "
              "echo 'a = 3' > conflict/migrations/0001_initial.py && git commit -qam main && "
              "git merge -q side") != 0);  // the merge stops at the conflict

  auto relevant = [](std::string_view path) {
    return path.find("migrations/") != std::string_view::npos || path.find("apps.py") != path.npos;
  };
  auto repo = GitRepository::discover(d);
  REQUIRE(repo);
  auto untracked = (*repo)->untracked_files("", relevant, [](std::string_view path) {
    return path.substr(path.rfind('/') + 1) != "node_modules";
  });
  REQUIRE(untracked);
  std::string listed;
  for (const std::string& path : *untracked) listed += path + "\n";
  std::string by_git;
  std::istringstream lines(shell_output(d, "git ls-files --others --exclude-standard"));
  for (std::string line; std::getline(lines, line);) {
    if (relevant(line) && line.rfind("node_modules/", 0) != 0) by_git += line + "\n";
  }
  CHECK(listed == by_git);
  CHECK(listed ==
        "deep/a/b/c/migrations/0001_initial.py\nshop/apps.py\nshop/migrations/0002_new.py\n"
        "shop/migrations/0003_link.py\nshop/migrations/0009_keep.py\n");

  auto below = (*repo)->untracked_files("shop", relevant, [](std::string_view) { return true; });
  REQUIRE(below);
  CHECK(below->size() == 4);
}

}  // namespace migline
