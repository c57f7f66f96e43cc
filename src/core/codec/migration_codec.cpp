#include "core/codec/migration_codec.hpp"

#include <cstring>
#include <limits>

#include "core/codec/varint.hpp"

namespace migline {
namespace {

// Spans and lengths are small, so most take one or two bytes.
class Writer : public VarintWriter {
 public:
  void span(const SourceSpan& s) {
    number(s.offset);
    number(s.length);
    number(static_cast<std::uint64_t>(s.line));
    number(static_cast<std::uint64_t>(s.column));
  }
  void refs(const std::vector<MigrationRef>& refs) {
    number(refs.size());
    for (const MigrationRef& r : refs) {
      text(r.app);
      text(r.name);
      span(r.span);
      span(r.name_span);
      number(r.plain ? 1 : 0);
      text(r.setting);
      text(r.condition);
      number(r.condition_holds ? 1 : 0);
    }
  }
  std::string take() { return std::move(out()); }
};

// Reads what Writer wrote; any overrun or out-of-range value makes it fail for good.
class Reader : public VarintReader {
 public:
  using VarintReader::VarintReader;
  int small_int() {
    return static_cast<int>(at_most(static_cast<std::uint64_t>(std::numeric_limits<int>::max())));
  }
  SourceSpan span() {
    SourceSpan s;
    s.offset = static_cast<std::uint32_t>(at_most(UINT32_MAX));
    s.length = static_cast<std::uint32_t>(at_most(UINT32_MAX));
    s.line = small_int();
    s.column = small_int();
    return s;
  }
  std::vector<MigrationRef> refs() {
    std::vector<MigrationRef> out(count());
    for (MigrationRef& r : out) {
      if (!ok()) break;
      r.app = text();
      r.name = text();
      r.span = span();
      r.name_span = span();
      const std::uint64_t plain = number();
      if (plain > 1) fail();
      r.plain = plain == 1;
      r.setting = text();
      r.condition = text();
      const std::uint64_t holds = number();
      if (holds > 1) fail();
      r.condition_holds = holds == 1;
    }
    return out;
  }
};

}  // namespace

std::string encode_migration(const DjangoMigration& migration) {
  Writer w;
  w.span(migration.class_span);
  w.refs(migration.dependencies);
  w.refs(migration.replaces);
  w.refs(migration.run_before);
  w.span(migration.computed_replaces);
  w.number(migration.operations.size());
  for (const MigrationOperation& op : migration.operations) {
    w.text(op.type);
    w.text(op.model);
  }
  return w.take();
}

std::optional<DjangoMigration> decode_migration(std::string_view bytes) {
  Reader r(bytes);
  DjangoMigration m;
  m.class_span = r.span();
  m.dependencies = r.refs();
  m.replaces = r.refs();
  m.run_before = r.refs();
  m.computed_replaces = r.span();
  m.operations.resize(r.count());
  for (MigrationOperation& op : m.operations) {
    op.type = r.text();
    op.model = r.text();
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return m;
}

std::uint64_t checksum64(std::string_view bytes) {
  // FNV-1a over 8-byte words, then a final avalanche (from MurmurHash3's fmix64).
  std::uint64_t h = 0xcbf29ce484222325ULL ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i, 8);
    h = (h ^ word) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  for (; i < bytes.size(); ++i) {
    h = (h ^ static_cast<unsigned char>(bytes[i])) * 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace migline
