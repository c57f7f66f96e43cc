#include "core/migration_codec.hpp"

#include <cstring>
#include <limits>

namespace migline {
namespace {

// Unsigned LEB128 varints: spans and lengths are small, so most take one or two bytes.
class Writer {
 public:
  void number(std::uint64_t value) {
    while (value >= 0x80) {
      out_ += static_cast<char>((value & 0x7f) | 0x80);
      value >>= 7;
    }
    out_ += static_cast<char>(value);
  }
  void text(std::string_view value) {
    number(value.size());
    out_ += value;
  }
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
      span(r.app_span);
      span(r.name_span);
      number(r.plain ? 1 : 0);
      text(r.setting);
    }
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads what Writer wrote; any overrun or out-of-range value makes it fail for good.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

  std::uint64_t number() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return fail();
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return fail();
  }
  // A count of items that each take at least one byte, so it cannot exceed what is left.
  std::size_t count() {
    const std::uint64_t n = number();
    if (n > in_.size() - pos_) return fail();
    return static_cast<std::size_t>(n);
  }
  int small_int() {
    const std::uint64_t n = number();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
      fail();
      return 0;
    }
    return static_cast<int>(n);
  }
  std::string text() {
    const std::size_t n = count();
    if (!ok_) return {};
    std::string out(in_.substr(pos_, n));
    pos_ += n;
    return out;
  }
  SourceSpan span() {
    SourceSpan s;
    s.offset = number();
    s.length = number();
    s.line = small_int();
    s.column = small_int();
    return s;
  }
  std::vector<MigrationRef> refs() {
    std::vector<MigrationRef> out(count());
    for (MigrationRef& r : out) {
      if (!ok_) break;
      r.app = text();
      r.name = text();
      r.span = span();
      r.app_span = span();
      r.name_span = span();
      const std::uint64_t plain = number();
      if (plain > 1) fail();
      r.plain = plain == 1;
      r.setting = text();
    }
    return out;
  }

 private:
  std::size_t fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string encode_migration(const DjangoMigration& migration) {
  Writer w;
  w.span(migration.class_span);
  w.refs(migration.dependencies);
  w.refs(migration.replaces);
  w.refs(migration.run_before);
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
