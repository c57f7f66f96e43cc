#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <tl/expected.hpp>

#include "core/django/django_migration.hpp"
#include "core/text/diagnostic.hpp"
#include "project/file_source.hpp"
#include "project/parse_cache.hpp"

namespace migline {

// Reads migration files through the parse cache: a file whose blob was parsed before is not
// read at all when the source knows its id, and not parsed again when it does not.
class MigrationReader {
 public:
  static constexpr std::size_t kPerThread = 64;  // files, at least, per reading thread

  // Opens the source's parse cache (if it has one); `source` and `settings` must outlive it.
  MigrationReader(const FileSource& source, const SwappableSettings& settings);
  // Saves the parse cache.
  ~MigrationReader();
  MigrationReader(const MigrationReader&) = delete;
  MigrationReader& operator=(const MigrationReader&) = delete;

  // The outer error is for a file that cannot be read.
  using Result = tl::expected<tl::expected<DjangoMigration, Diagnostics>, Diagnostic>;

  // Reads and parses `paths[i]` for each i of `which` ahead, on every core when the source
  // allows it, so that read() of one of them only hands out the result. `paths` must outlive
  // the reader.
  void read_ahead(const std::vector<std::string>& paths, const std::vector<std::size_t>& which);

  // The migration at `path`.
  Result read(const std::string& path);

 private:
  // A file fetched but not parsed yet: its text and the id it is cached under.
  struct Unparsed {
    std::string text;
    git_oid id{};
  };

  // What fetch() found: the result when the cache or the source settled it, else the text.
  using Fetched = std::variant<Result, Unparsed>;

  void keep_ahead(const std::vector<std::string>& paths, const std::vector<std::size_t>& which,
                  std::vector<Result> results);
  void fetch_then_parse_ahead(const std::vector<std::string>& paths,
                              const std::vector<std::size_t>& which, std::size_t threads);
  Result read_now(const std::string& path);
  Fetched fetch(const std::string& path);
  Result parse(const std::string& path, const Unparsed& file);

  const FileSource& source_;
  const SwappableSettings& settings_;
  std::optional<ParseCache> cache_;
  std::mutex cache_mutex_;
  std::vector<Result> results_;                              // of read_ahead, until all handed out
  std::unordered_map<std::string_view, std::size_t> ahead_;  // views of its paths -> results_
};

// The diagnostic for a file that cannot be read.
Diagnostic io_error(std::string_view path, const std::string& why);

}  // namespace migline
