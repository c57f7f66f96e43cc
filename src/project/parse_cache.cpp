#include "project/parse_cache.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "core/migration_codec.hpp"
#include "core/raw_bytes.hpp"
#include "fs/atomic_write.hpp"
#include "fs/file_io.hpp"

namespace migline {
namespace {

constexpr std::string_view kMagic = "MLPCACHE";
// Bump when the layout, encode_migration or what read_django_migration finds changes (the
// version in the salt covers releases, not commits in between).
constexpr std::uint32_t kFormat = 1;
constexpr std::size_t kHeaderSize = 8 + 4 + 4 + 8 + 8;
constexpr std::size_t kEntrySize = GIT_OID_RAWSZ + 8 + 4 + 4 + 8;

bool id_less(const git_oid& a, const git_oid& b) {
  return git_oid_cmp(&a, &b) < 0;
}

constexpr std::size_t kBuckets = 1 << 16;
std::size_t bucket_of(const git_oid& id) {
  return std::size_t{id.id[0]} << 8 | id.id[1];
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
  std::vector<Entry> table(count);
  const std::size_t records_size = bytes.size() - records_at;
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t at = kHeaderSize + i * kEntrySize;
    Entry& e = table[i];
    std::memcpy(e.id.id, bytes.data() + at, GIT_OID_RAWSZ);
    at += GIT_OID_RAWSZ;
    e.size = load_at<std::uint64_t>(bytes, at);
    e.offset = load_at<std::uint32_t>(bytes, at + 8);
    e.length = load_at<std::uint32_t>(bytes, at + 12);
    e.checksum = load_at<std::uint64_t>(bytes, at + 16);
    const bool sorted = i == 0 || id_less(table[i - 1].id, e.id);
    if (!sorted || e.offset > records_size || e.length > records_size - e.offset) return cache;
  }
  cache.bucket_.assign(kBuckets + 1, 0);
  for (const Entry& e : table) ++cache.bucket_[bucket_of(e.id) + 1];
  for (std::size_t b = 0; b < kBuckets; ++b) cache.bucket_[b + 1] += cache.bucket_[b];
  cache.file_bytes_ = std::move(*mapped);
  cache.bytes_ = cache.file_bytes_.bytes();
  cache.records_at_ = records_at;
  cache.table_ = std::move(table);
  cache.used_.assign(count, false);
  return cache;
}

std::string_view ParseCache::record(const Entry& entry) const {
  return bytes_.substr(records_at_ + entry.offset, entry.length);
}

bool ParseCache::holds(const git_oid& id, std::optional<std::uint64_t> size) const {
  if (table_.empty()) return false;
  const auto first = table_.begin() + bucket_[bucket_of(id)];
  const auto last = table_.begin() + bucket_[bucket_of(id) + 1];
  auto it = std::lower_bound(first, last, id,
                             [](const Entry& e, const git_oid& key) { return id_less(e.id, key); });
  return it != last && git_oid_cmp(&it->id, &id) == 0 && (!size || *size == it->size);
}

std::optional<DjangoMigration> ParseCache::find(const git_oid& id,
                                                std::optional<std::uint64_t> size) {
  if (table_.empty()) return std::nullopt;
  const auto first = table_.begin() + bucket_[bucket_of(id)];
  const auto last = table_.begin() + bucket_[bucket_of(id) + 1];
  auto it = std::lower_bound(first, last, id,
                             [](const Entry& e, const git_oid& key) { return id_less(e.id, key); });
  if (it == last || git_oid_cmp(&it->id, &id) != 0 || (size && *size != it->size)) {
    return std::nullopt;
  }
  if (checksum64(record(*it)) != it->checksum) return std::nullopt;
  auto migration = decode_migration(record(*it));
  if (migration) used_[static_cast<std::size_t>(it - table_.begin())] = true;
  return migration;
}

void ParseCache::add(const git_oid& id, std::uint64_t size, const DjangoMigration& migration) {
  added_.push_back(Added{id, size, encode_migration(migration)});
}

void ParseCache::save() const {
  if (added_.empty()) return;
  // Entries of this run first, then older ones while they are no more than those. An older
  // record keeps the checksum it was written with: one damaged since stays detectable.
  struct Kept {
    const git_oid* id;
    std::uint64_t size;
    std::string_view record;
    std::uint64_t checksum;
  };
  std::vector<Kept> keep;
  for (const Added& a : added_) keep.push_back(Kept{&a.id, a.size, a.record, checksum64(a.record)});
  const auto old = [&](const Entry& e) { return Kept{&e.id, e.size, record(e), e.checksum}; };
  for (std::size_t i = 0; i < table_.size(); ++i) {
    if (used_[i]) keep.push_back(old(table_[i]));
  }
  const std::size_t fresh = keep.size();
  for (std::size_t i = 0; i < table_.size() && keep.size() < 2 * fresh; ++i) {
    if (!used_[i]) keep.push_back(old(table_[i]));
  }
  std::stable_sort(keep.begin(), keep.end(),
                   [](const Kept& a, const Kept& b) { return id_less(*a.id, *b.id); });
  keep.erase(std::unique(keep.begin(), keep.end(),
                         [](const Kept& a, const Kept& b) { return git_oid_equal(a.id, b.id); }),
             keep.end());

  // The table first, for its checksum in the header; then the file in one string, the
  // records copied once (at 100,000 migrations they are tens of megabytes).
  std::string table;
  table.reserve(keep.size() * kEntrySize);
  std::size_t records_size = 0;
  for (const Kept& k : keep) {
    if (records_size + k.record.size() > UINT32_MAX) return;  // too big to be worth keeping
    table.append(reinterpret_cast<const char*>(k.id->id), GIT_OID_RAWSZ);
    append_raw<std::uint64_t>(table, k.size);
    append_raw<std::uint32_t>(table, static_cast<std::uint32_t>(records_size));
    append_raw<std::uint32_t>(table, static_cast<std::uint32_t>(k.record.size()));
    append_raw<std::uint64_t>(table, k.checksum);
    records_size += k.record.size();
  }
  std::string out(kMagic);
  out.reserve(kHeaderSize + table.size() + records_size);
  append_raw<std::uint32_t>(out, kFormat);
  append_raw<std::uint32_t>(out, static_cast<std::uint32_t>(keep.size()));
  append_raw<std::uint64_t>(out, salt_);
  append_raw<std::uint64_t>(out, checksum64(table));
  out += table;
  for (const Kept& k : keep) out += k.record;
  const std::size_t slash = file_.rfind('/');
  if (slash != std::string::npos) ::mkdir(file_.substr(0, slash).c_str(), 0777);
  (void)write_file_atomic(file_, out, Durability::Unsynced);
}

}  // namespace migline
