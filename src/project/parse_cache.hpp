#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <git2/oid.h>

#include "core/django/django_migration.hpp"
#include "fs/file_io.hpp"

namespace migline {

// What read_django_migration found in each migration blob, keyed by blob id, kept in one file
// under .git/ so that a later run reads only the files that changed. The file is a cache, never
// a source of truth: a missing, damaged or foreign file (another format, other settings) counts
// as empty, a damaged entry as absent, and a write that fails is skipped silently.
//
// Layout (host byte order; the magic tells a foreign file apart):
//   "MLPCACHE", u32 format, u32 entry count, u64 salt, u64 checksum of the table,
//   table: per entry, sorted by id: oid[20], u64 blob size, u32 offset, u32 length,
//          u64 checksum of the record,
//   records: encode_migration() bytes, at `offset` from the end of the table, in the order
//            the run that wrote them used them.
class ParseCache {
 public:
  // Reads `file`. `salt` stands for everything else a parse depends on (the swappable settings
  // and migline's version); entries written under another salt are not used.
  static ParseCache load(std::string file, std::uint64_t salt);

  // The migration parsed from blob `id` before (without path, app and name), if any; with
  // `size`, only if the blob was that long.
  std::optional<DjangoMigration> find(const git_oid& id, std::optional<std::uint64_t> size);
  // True when the file probably holds a record for blob `id`: find() may still miss it, e.g.
  // when the record is damaged or the blob has another size.
  bool holds(const git_oid& id) const;
  // Remembers the parse of blob `id`, `size` bytes long.
  void add(const git_oid& id, std::uint64_t size, const DjangoMigration& migration);
  // When something was added: writes the entries found or added in this run, plus older ones
  // up to as many again (a branch switch back finds them), atomically (a concurrent run reads
  // the old file or the new one, never a mix).
  void save() const;

 private:
  // Table entry `i`, read from the mapped file.
  struct Entry {
    std::uint64_t size;  // of the blob
    std::uint32_t offset;
    std::uint32_t length;
    std::uint64_t checksum;
  };
  const char* id_at(std::size_t i) const;
  Entry entry(std::size_t i) const;
  std::string_view record(const Entry& entry) const;
  std::size_t first_with(std::uint64_t prefix) const;
  // The table index of blob `id` of `size` bytes (any size when not given), or nullopt.
  std::optional<std::size_t> index_of(const git_oid& id, std::optional<std::uint64_t> size) const;

  std::string file_;
  std::uint64_t salt_ = 0;
  MappedFile file_bytes_;       // written by rename only (save), so safe to map
  std::string_view bytes_;      // file_bytes_; the table and records are read in place
  std::size_t count_ = 0;       // table entries, sorted by id
  std::size_t records_at_ = 0;  // where the records start in bytes_
  // Ids are uniformly spread: bucket b (the first two bytes of an id) starts at bucket_[b].
  std::vector<std::uint32_t> bucket_;
  // The first 8 bytes of each entry's id, as a number in the same order: a lookup searches
  // these, in cache, and reads the table (at random, so from memory) once, to confirm.
  std::vector<std::uint64_t> prefix_;
  // What this run found or added, in that order: save() lays the records out so, and the
  // next run, which looks its files up in the same (path) order, reads the file front to
  // back instead of at random.
  struct Use {
    bool added;  // added_[at], else table entry `at`
    std::uint32_t at;
  };
  std::vector<Use> uses_;
  std::vector<bool> used_;  // per table entry: in uses_
  struct Added {
    git_oid id;
    std::uint64_t size;
    std::string record;
  };
  std::vector<Added> added_;
};

}  // namespace migline
