#include "project/migration_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <thread>

#include <fmt/format.h>

#include "core/codec/migration_codec.hpp"
#include "git/repository.hpp"
#include "project/on_threads.hpp"

namespace migline {
namespace {

// What a parse depends on besides the file: migline's version and the swappable settings.
std::uint64_t parse_salt(const SwappableSettings& settings) {
  std::string key = MIGLINE_VERSION;
  for (const auto& [name, value] : settings) key += fmt::format("\n{}={}", name, value);
  return checksum64(key);
}

tl::expected<DjangoMigration, Diagnostics> with_path(DjangoMigration migration,
                                                     const std::string& path) {
  migration.path = path;
  return migration;
}

}  // namespace

Diagnostic io_error(std::string_view path, const std::string& why) {
  return file_error(path, fmt::format("cannot read: {}", why));
}

MigrationReader::MigrationReader(const FileSource& source, const SwappableSettings& settings)
    : source_(source), settings_(settings) {
  if (std::string file = source.parse_cache_file(); !file.empty()) {
    cache_.emplace(ParseCache::load(std::move(file), parse_salt(settings)));
  }
}

MigrationReader::~MigrationReader() {
  if (cache_) cache_->save();
}

void MigrationReader::read_ahead(const std::vector<std::string>& paths,
                                 const std::vector<std::size_t>& which) {
  const std::size_t threads = std::clamp<std::size_t>(
      std::min<std::size_t>(which.size() / kPerThread, std::thread::hardware_concurrency()), 1, 8);
  if (threads < 2) return;
  if (!source_.reads_concurrently()) {
    fetch_then_parse_ahead(paths, which, threads);
    return;
  }
  std::vector<Result> results(which.size());
  on_threads(which.size(), threads, [&](std::size_t k) { results[k] = read_now(paths[which[k]]); });
  keep_ahead(paths, which, std::move(results));
}

MigrationReader::Result MigrationReader::read(const std::string& path) {
  if (auto it = ahead_.find(path); it != ahead_.end()) {
    Result out = std::move(results_[it->second]);
    ahead_.erase(it);
    if (ahead_.empty()) std::vector<Result>().swap(results_);
    return out;
  }
  return read_now(path);
}

// Hands out results[k], the result of paths[which[k]], through read().
void MigrationReader::keep_ahead(const std::vector<std::string>& paths,
                                 const std::vector<std::size_t>& which,
                                 std::vector<Result> results) {
  ahead_.reserve(which.size());
  for (std::size_t k = 0; k < which.size(); ++k) ahead_.emplace(paths[which[k]], k);
  results_ = std::move(results);
}

// For a source read on one thread (the index, a tree: libgit2 objects): the files the cache
// lacks are read here, then parsed on `threads` threads. The others are left to read(),
// so that a warm run holds nothing ahead and starts no thread.
void MigrationReader::fetch_then_parse_ahead(const std::vector<std::string>& paths,
                                             const std::vector<std::size_t>& which,
                                             std::size_t threads) {
  std::vector<std::size_t> lacking;
  for (std::size_t i : which) {
    if (cache_) {
      const std::optional<KnownBlob> known = source_.known_blob(paths[i]);
      if (known && cache_->holds(known->id)) continue;
    }
    lacking.push_back(i);
  }
  if (lacking.size() < 2 * kPerThread) return;
  std::vector<Result> results(lacking.size());
  std::vector<std::pair<std::size_t, Unparsed>> unparsed;
  for (std::size_t k = 0; k < lacking.size(); ++k) {
    Fetched fetched = fetch(paths[lacking[k]]);
    if (auto* text = std::get_if<Unparsed>(&fetched)) {
      unparsed.emplace_back(k, std::move(*text));
    } else {
      results[k] = std::move(std::get<Result>(fetched));
    }
  }
  on_threads(unparsed.size(), std::min(threads, unparsed.size() / kPerThread), [&](std::size_t u) {
    auto& [k, file] = unparsed[u];
    results[k] = parse(paths[lacking[k]], file);
  });
  keep_ahead(paths, lacking, std::move(results));
}

// Safe on several threads when the source reads concurrently: the cache is locked.
MigrationReader::Result MigrationReader::read_now(const std::string& path) {
  Fetched fetched = fetch(path);
  if (auto* text = std::get_if<Unparsed>(&fetched)) return parse(path, *text);
  return std::move(std::get<Result>(fetched));
}

// The cached parse of `path`, a read error, or its text to parse.
MigrationReader::Fetched MigrationReader::fetch(const std::string& path) {
  std::optional<KnownBlob> known = cache_ ? source_.known_blob(path) : std::nullopt;
  if (known) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (auto cached = cache_->find(known->id, known->file_size)) {
      return Result(with_path(std::move(*cached), path));
    }
  }
  auto text = source_.read(path);
  if (!text) return Result(tl::make_unexpected(io_error(path, text.error())));
  // A work-tree file may not hold the blob the index named (see KnownBlob): key it by its
  // own bytes, which an earlier run may have parsed.
  const bool own_bytes = !known || known->file_size;
  git_oid id{};
  if (cache_) id = own_bytes ? blob_id(*text) : known->id;
  if (cache_ && own_bytes) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    if (auto cached = cache_->find(id, std::nullopt)) {
      return Result(with_path(std::move(*cached), path));
    }
  }
  return Unparsed{std::move(*text), id};
}

// Parses a fetched file and caches the result; safe on several threads.
MigrationReader::Result MigrationReader::parse(const std::string& path, const Unparsed& file) {
  auto migration = read_django_migration(path, file.text, settings_);
  if (migration && cache_) {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    cache_->add(file.id, file.text.size(), *migration);
  }
  return migration;
}

}  // namespace migline
