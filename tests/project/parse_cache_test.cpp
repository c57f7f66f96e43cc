#include "project/parse_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/codec/migration_codec.hpp"
#include "git/repository.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"
#include "temp_dir.hpp"

namespace migline {
namespace {

DjangoMigration parsed(const std::string& text) {
  auto m = read_django_migration("a/migrations/0002_x.py", text, {});
  REQUIRE(m);
  return *m;
}

std::string migration_text(int n) {
  return "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n"
         "    dependencies = [('a', '" +
         std::to_string(1000 + n) + "_previous')]\n    operations = []\n";
}

// A cache file holding migrations 0..count-1, keyed by the blob ids of their texts.
std::string write_cache(const std::string& file, int count, std::uint64_t salt = 7) {
  ParseCache cache = ParseCache::load(file, salt);
  for (int i = 0; i < count; ++i) {
    const std::string text = migration_text(i);
    cache.add(blob_id(text), text.size(), parsed(text));
  }
  cache.save();
  return slurp(file);
}

int run(const std::string& directory, const std::string& command) {
  return std::system(("cd '" + directory + "' && " + command + " >/dev/null 2>&1").c_str());
}

}  // namespace

TEST_CASE("a work-tree file that git converts is not taken for its blob") {
  // With `text=auto`, git stores this CRLF file as LF: the index vouches for the file (same
  // stat data) but names the LF blob, whose spans are off by the CRs.
  TempDir dir;
  const std::string crlf =
      "from django.db import migrations\r\n\r\n\r\nclass Migration(migrations.Migration):\r\n"
      "    dependencies = [('a', '0001_initial')]\r\n    operations = []\r\n";
  REQUIRE(run(dir.path, "git init -q && mkdir -p a/migrations && touch a/migrations/__init__.py") ==
          0);
  spit(dir.path + "/.gitattributes", "* text=auto\n");
  spit(dir.path + "/a/migrations/0002_crlf.py", crlf);
  // Older than the index, so that the index's stat data can vouch for it (not racily clean).
  REQUIRE(run(dir.path, "touch -d '2020-01-01' a/migrations/0002_crlf.py && git add -A") == 0);
  auto repo = GitRepository::discover(dir.path);
  REQUIRE(repo);
  REQUIRE(*repo);
  auto shared = std::make_shared<const GitRepository>(std::move(**repo));

  auto index = open_index_source(shared, "");
  REQUIRE(index);
  auto staged = load_project(**index);  // caches the LF blob's parse
  REQUIRE(staged);
  auto worktree = open_worktree_source(shared, "");
  REQUIRE(worktree);
  auto known = (*worktree)->known_blob("a/migrations/0002_crlf.py");
  REQUIRE(known);  // the test is only worth it if the index vouches for the file
  auto loaded = load_project(**worktree);
  REQUIRE(loaded);
  REQUIRE(staged->migrations.size() == 1);
  REQUIRE(loaded->migrations.size() == 1);
  const DjangoMigration direct = parsed(crlf);
  CHECK(staged->migrations[0].class_span.offset + 3 == direct.class_span.offset);
  CHECK(encode_migration(loaded->migrations[0]) == encode_migration(direct));
}

TEST_CASE("the parse cache gives back what was added, by blob id and size") {
  TempDir dir;
  const std::string file = dir.path + "/migline/parse-cache";
  write_cache(file, 3);
  ParseCache cache = ParseCache::load(file, 7);
  for (int i = 0; i < 3; ++i) {
    const std::string text = migration_text(i);
    auto hit = cache.find(blob_id(text), text.size());
    REQUIRE(hit);
    CHECK(encode_migration(*hit) == encode_migration(parsed(text)));
    CHECK(cache.find(blob_id(text), std::nullopt));
    CHECK_FALSE(cache.find(blob_id(text), text.size() + 1));
  }
  CHECK_FALSE(cache.find(blob_id("something else"), std::nullopt));
  CHECK_FALSE(ParseCache::load(file, 8).find(blob_id(migration_text(0)), std::nullopt));
}

TEST_CASE("saving keeps this run's entries and as many older ones") {
  TempDir dir;
  const std::string file = dir.path + "/parse-cache";
  write_cache(file, 10);
  ParseCache cache = ParseCache::load(file, 7);
  CHECK(cache.find(blob_id(migration_text(4)), std::nullopt));
  const std::string text = migration_text(100);
  cache.add(blob_id(text), text.size(), parsed(text));
  cache.save();
  ParseCache again = ParseCache::load(file, 7);
  int kept = 0;
  for (int i = 0; i < 10; ++i) kept += again.find(blob_id(migration_text(i)), std::nullopt) ? 1 : 0;
  CHECK(kept == 3);  // the one used, and two unused: as many as this run used or added
  CHECK(again.find(blob_id(migration_text(4)), std::nullopt));
  CHECK(again.find(blob_id(text), std::nullopt));
}

TEST_CASE("records are laid out in the order the run used them, each blob once") {
  // The next run looks its files up in the same order: it then reads the file front to back.
  TempDir dir;
  const std::string file = dir.path + "/parse-cache";
  write_cache(file, 5);
  ParseCache cache = ParseCache::load(file, 7);
  for (int i : {3, 1, 4, 1}) REQUIRE(cache.find(blob_id(migration_text(i)), std::nullopt));
  const std::string text = migration_text(100);
  cache.add(blob_id(text), text.size(), parsed(text));
  cache.add(blob_id(text), text.size(), parsed(text));  // two files, one blob
  REQUIRE(cache.find(blob_id(migration_text(0)), std::nullopt));
  cache.save();
  const std::string bytes = slurp(file);
  std::vector<std::size_t> at;
  for (const char* name :
       {"1003_previous", "1001_previous", "1004_previous", "1100_previous", "1000_previous"}) {
    at.push_back(bytes.find(name));
    CHECK(bytes.find(name, at.back() + 1) == std::string::npos);
  }
  CHECK(std::is_sorted(at.begin(), at.end()));
  CHECK(at.back() != std::string::npos);
  ParseCache again = ParseCache::load(file, 7);
  for (int i : {0, 1, 3, 4, 100}) CHECK(again.find(blob_id(migration_text(i)), std::nullopt));
}

TEST_CASE("a damaged cache file gives the right migration or none") {
  TempDir dir;
  const std::string file = dir.path + "/parse-cache";
  const std::string pristine = write_cache(file, 3);
  auto check_all = [&] {
    ParseCache cache = ParseCache::load(file, 7);
    for (int i = 0; i < 3; ++i) {
      const std::string text = migration_text(i);
      if (auto hit = cache.find(blob_id(text), text.size())) {
        CHECK(encode_migration(*hit) == encode_migration(parsed(text)));
      }
    }
  };
  for (std::size_t i = 0; i < pristine.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::string damaged = pristine;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      spit(file, damaged);
      check_all();
    }
  }
  for (std::size_t n = 0; n < pristine.size(); n += 7) {
    spit(file, pristine.substr(0, n));
    check_all();
  }
  spit(file, pristine + "trailing");
  check_all();
}

TEST_CASE("a rewrite does not vouch for an older record damaged since") {
  TempDir dir;
  const std::string file = dir.path + "/parse-cache";
  std::string bytes = write_cache(file, 3);
  // A changed letter in a name still decodes: only the record's checksum can tell.
  const std::size_t at = bytes.find("1002_previous");
  REQUIRE(at != std::string::npos);
  bytes[at + 12] = 'X';
  spit(file, bytes);
  ParseCache cache = ParseCache::load(file, 7);
  for (int i = 0; i < 3; ++i) (void)cache.find(blob_id(migration_text(i)), std::nullopt);
  const std::string text = migration_text(100);
  cache.add(blob_id(text), text.size(), parsed(text));
  cache.save();  // keeps the damaged record, unused in this run, among the older ones
  ParseCache again = ParseCache::load(file, 7);
  int found = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string old = migration_text(i);
    if (auto hit = again.find(blob_id(old), std::nullopt)) {
      CHECK(encode_migration(*hit) == encode_migration(parsed(old)));
      ++found;
    }
  }
  CHECK(found == 2);
}

TEST_CASE("a cache that cannot be written is skipped") {
  TempDir dir;
  spit(dir.path + "/migline", "a file where the cache directory would be");
  write_cache(dir.path + "/migline/parse-cache", 2);
  CHECK_FALSE(ParseCache::load(dir.path + "/migline/parse-cache", 7)
                  .find(blob_id(migration_text(0)), std::nullopt));
}

}  // namespace migline
