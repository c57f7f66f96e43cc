#include "project/parse_cache.hpp"

#include <algorithm>
#include <cstring>

#include "core/codec/migration_codec.hpp"
#include "core/codec/raw_bytes.hpp"
#include "core/text/repo_path.hpp"
#include "fs/atomic_write.hpp"
#include "fs/file_io.hpp"
#include "fs/file_ops.hpp"

namespace migline {
namespace {

constexpr std::string_view kMagic = "MLPCACHE";
// Bump when the layout, encode_migration or what read_django_migration finds changes (the
// version in the salt covers releases, not commits in between).
constexpr std::uint32_t kFormat = 3;
constexpr std::size_t kHeaderSize = 8 + 4 + 4 + 8 + 8;
constexpr std::size_t kEntrySize = GIT_OID_RAWSZ + 8 + 4 + 4 + 8;

constexpr std::size_t kBuckets = 1 << 16;
std::uint64_t prefix_of(const char* id) {
  std::uint64_t prefix = 0;
  for (int i = 0; i < 8; ++i) prefix = prefix << 8 | static_cast<unsigned char>(id[i]);
  return prefix;
}
std::size_t bucket_of(std::uint64_t prefix) {
  return static_cast<std::size_t>(prefix >> 48);
}

}  // namespace

ParseCache ParseCache::load(std::string file, std::uint64_t salt) {
  ParseCache cache;
  cache.file_ = std::move(file);
  cache.salt_ = salt;
  auto mapped = MappedFile::open(cache.file_);
  if (!mapped) return cache;
  const std::string_view bytes = mapped->bytes();
  if (bytes.size() < kHeaderSize || bytes.substr(0, 8) != kMagic ||
      load_at<std::uint32_t>(bytes, 8) != kFormat || load_at<std::uint64_t>(bytes, 16) != salt) {
    return cache;
  }
  const std::size_t count = load_at<std::uint32_t>(bytes, 12);
  const std::size_t records_at = kHeaderSize + count * kEntrySize;
  if (records_at > bytes.size() ||
      checksum64(bytes.substr(kHeaderSize, records_at - kHeaderSize)) !=
          load_at<std::uint64_t>(bytes, 24)) {
    return cache;
  }
  cache.file_bytes_ = std::move(*mapped);
  cache.bytes_ = cache.file_bytes_.bytes();
  cache.records_at_ = records_at;
  const std::size_t records_size = bytes.size() - records_at;
  std::vector<std::uint32_t> bucket(kBuckets + 1, 0);
  std::vector<std::uint64_t> prefix(count);
  for (std::size_t i = 0; i < count; ++i) {
    const Entry e = cache.entry(i);
    prefix[i] = prefix_of(cache.id_at(i));
    const bool sorted =
        i == 0 || std::memcmp(cache.id_at(i - 1), cache.id_at(i), GIT_OID_RAWSZ) < 0;
    if (!sorted || e.offset > records_size || e.length > records_size - e.offset) {
      cache.file_bytes_ = MappedFile();  // counts as empty
      cache.bytes_ = {};
      return cache;
    }
    ++bucket[bucket_of(prefix[i]) + 1];
  }
  for (std::size_t b = 0; b < kBuckets; ++b) bucket[b + 1] += bucket[b];
  cache.count_ = count;
  cache.bucket_ = std::move(bucket);
  cache.prefix_ = std::move(prefix);
  cache.used_.assign(count, false);
  return cache;
}

const char* ParseCache::id_at(std::size_t i) const {
  return bytes_.data() + kHeaderSize + i * kEntrySize;
}

ParseCache::Entry ParseCache::entry(std::size_t i) const {
  const std::size_t at = kHeaderSize + i * kEntrySize + GIT_OID_RAWSZ;
  return Entry{load_at<std::uint64_t>(bytes_, at), load_at<std::uint32_t>(bytes_, at + 8),
               load_at<std::uint32_t>(bytes_, at + 12), load_at<std::uint64_t>(bytes_, at + 16)};
}

std::string_view ParseCache::record(const Entry& entry) const {
  return bytes_.substr(records_at_ + entry.offset, entry.length);
}

// The first entry whose id starts as `prefix` does, or where it would be.
std::size_t ParseCache::first_with(std::uint64_t prefix) const {
  if (count_ == 0) return 0;
  const std::size_t bucket = bucket_of(prefix);
  return static_cast<std::size_t>(std::lower_bound(prefix_.begin() + bucket_[bucket],
                                                   prefix_.begin() + bucket_[bucket + 1], prefix) -
                                  prefix_.begin());
}

std::optional<std::size_t> ParseCache::index_of(const git_oid& id,
                                                std::optional<std::uint64_t> size) const {
  const auto key = reinterpret_cast<const char*>(id.id);
  const std::uint64_t prefix = prefix_of(key);
  for (std::size_t i = first_with(prefix); i < count_ && prefix_[i] == prefix; ++i) {
    if (std::memcmp(id_at(i), key, GIT_OID_RAWSZ) != 0) continue;
    if (size && *size != entry(i).size) return std::nullopt;
    return i;
  }
  return std::nullopt;
}

bool ParseCache::holds(const git_oid& id) const {
  const std::uint64_t prefix = prefix_of(reinterpret_cast<const char*>(id.id));
  const std::size_t i = first_with(prefix);
  return i < count_ && prefix_[i] == prefix;
}

std::optional<DjangoMigration> ParseCache::find(const git_oid& id,
                                                std::optional<std::uint64_t> size) {
  const std::optional<std::size_t> i = index_of(id, size);
  if (!i) return std::nullopt;
  const Entry e = entry(*i);
  if (checksum64(record(e)) != e.checksum) return std::nullopt;
  auto migration = decode_migration(record(e));
  if (migration && !used_[*i]) {
    used_[*i] = true;
    uses_.push_back(Use{false, static_cast<std::uint32_t>(*i)});
  }
  return migration;
}

void ParseCache::add(const git_oid& id, std::uint64_t size, const DjangoMigration& migration) {
  uses_.push_back(Use{true, static_cast<std::uint32_t>(added_.size())});
  added_.push_back(Added{id, size, encode_migration(migration)});
}

void ParseCache::save() const {
  if (added_.empty()) return;
  // The entries of this run in the order it used them, then older ones while they are no
  // more than those. An older record keeps the checksum it was written with: one damaged
  // since stays detectable.
  struct Kept {
    const char* id;
    std::uint64_t size;
    std::string_view record;
    std::uint64_t checksum;
  };
  std::vector<Kept> keep;
  keep.reserve(2 * uses_.size());
  const auto old = [&](std::size_t i) {
    const Entry e = entry(i);
    return Kept{id_at(i), e.size, record(e), e.checksum};
  };
  for (const Use& use : uses_) {
    if (use.added) {
      const Added& a = added_[use.at];
      keep.push_back(
          Kept{reinterpret_cast<const char*>(a.id.id), a.size, a.record, checksum64(a.record)});
    } else {
      keep.push_back(old(use.at));
    }
  }
  const std::size_t fresh = keep.size();
  for (std::size_t i = 0; i < count_ && keep.size() < 2 * fresh; ++i) {
    if (!used_[i]) keep.push_back(old(i));
  }
  // The table sorted by id; each id once (two files of a run may hold the same blob).
  std::vector<std::uint32_t> by_id(keep.size());
  for (std::size_t k = 0; k < keep.size(); ++k) by_id[k] = static_cast<std::uint32_t>(k);
  std::stable_sort(by_id.begin(), by_id.end(), [&](std::uint32_t a, std::uint32_t b) {
    return std::memcmp(keep[a].id, keep[b].id, GIT_OID_RAWSZ) < 0;
  });
  by_id.erase(std::unique(by_id.begin(), by_id.end(),
                          [&](std::uint32_t a, std::uint32_t b) {
                            return std::memcmp(keep[a].id, keep[b].id, GIT_OID_RAWSZ) == 0;
                          }),
              by_id.end());

  // Where each record goes: in the order of `keep`, the ones the table names.
  std::vector<std::uint32_t> offset(keep.size(), UINT32_MAX);
  std::vector<bool> named(keep.size(), false);
  for (std::uint32_t k : by_id) named[k] = true;
  std::size_t records_size = 0;
  for (std::size_t k = 0; k < keep.size(); ++k) {
    if (!named[k]) continue;
    if (records_size + keep[k].record.size() > UINT32_MAX) return;  // too big to be worth keeping
    offset[k] = static_cast<std::uint32_t>(records_size);
    records_size += keep[k].record.size();
  }

  std::string table;
  table.reserve(by_id.size() * kEntrySize);
  for (std::uint32_t k : by_id) {
    table.append(keep[k].id, GIT_OID_RAWSZ);
    append_raw<std::uint64_t>(table, keep[k].size);
    append_raw<std::uint32_t>(table, offset[k]);
    append_raw<std::uint32_t>(table, static_cast<std::uint32_t>(keep[k].record.size()));
    append_raw<std::uint64_t>(table, keep[k].checksum);
  }
  // The file in one string, the records copied once (at 100,000 migrations they are tens of
  // megabytes).
  std::string out(kMagic);
  out.reserve(kHeaderSize + table.size() + records_size);
  append_raw<std::uint32_t>(out, kFormat);
  append_raw<std::uint32_t>(out, static_cast<std::uint32_t>(by_id.size()));
  append_raw<std::uint64_t>(out, salt_);
  append_raw<std::uint64_t>(out, checksum64(table));
  out += table;
  for (std::size_t k = 0; k < keep.size(); ++k) {
    if (named[k]) out += keep[k].record;
  }
  if (const std::string_view dir = path_dirname(file_); !dir.empty()) {
    (void)make_directory(std::string(dir));
  }
  (void)write_file_atomic(file_, out, Durability::Unsynced);
}

}  // namespace migline
