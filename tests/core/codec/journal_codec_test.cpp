#include "core/codec/journal_codec.hpp"

#include <string>

#include "core/codec/migration_codec.hpp"
#include "core/codec/raw_bytes.hpp"

#include <catch2/catch.hpp>

namespace migline {
namespace {

WriteJournal sample() {
  WriteJournal journal;
  journal.operation = "resolve";
  journal.index_file = "/repo/.git/index.lock";
  journal.head = std::string(40, 'e');
  journal.renames = {
      {"shop/orders/migrations/0003_status.py", "shop/orders/migrations/0004_status.py"}};
  JournalFile created;
  created.path = "shop/orders/migrations/0004_status.py";
  created.after = std::string("class Migration:\n    pass\n\0binary", 34);
  journal.files.push_back(created);
  JournalFile removed;
  removed.path = "shop/orders/migrations/0003_status.py";
  removed.before = JournalBefore{JournalBefore::Blob, std::string(40, 'a'), 0755};
  removed.index_before = {JournalIndexEntry{0, 0100755, std::string(40, 'a')}};
  journal.files.push_back(removed);
  JournalFile manifest;
  manifest.path = "migrations.lock.yaml";
  manifest.before = JournalBefore{JournalBefore::Content, "<<<<<<< ours\n", 0644};
  manifest.after = "orders: 0004_status\n";
  manifest.index_before = {JournalIndexEntry{1, 0100644, std::string(40, 'b')},
                           JournalIndexEntry{2, 0100644, std::string(40, 'c')},
                           JournalIndexEntry{3, 0100644, std::string(40, 'd')}};
  journal.files.push_back(manifest);
  return journal;
}

void require_same(const WriteJournal& a, const WriteJournal& b) {
  REQUIRE(a.operation == b.operation);
  REQUIRE(a.index_file == b.index_file);
  REQUIRE(a.head == b.head);
  REQUIRE(a.ref_move.has_value() == b.ref_move.has_value());
  if (a.ref_move) {
    CHECK(a.ref_move->from == b.ref_move->from);
    CHECK(a.ref_move->to == b.ref_move->to);
    CHECK(a.ref_move->message == b.ref_move->message);
  }
  REQUIRE(a.renames == b.renames);
  REQUIRE(a.files.size() == b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    const JournalFile& x = a.files[i];
    const JournalFile& y = b.files[i];
    CHECK(x.path == y.path);
    CHECK(x.before.kind == y.before.kind);
    CHECK(x.before.data == y.before.data);
    CHECK(x.before.mode == y.before.mode);
    CHECK(x.after == y.after);
    REQUIRE(x.index_before.size() == y.index_before.size());
    for (std::size_t j = 0; j < x.index_before.size(); ++j) {
      CHECK(x.index_before[j].stage == y.index_before[j].stage);
      CHECK(x.index_before[j].mode == y.index_before[j].mode);
      CHECK(x.index_before[j].blob == y.index_before[j].blob);
    }
  }
}

}  // namespace

TEST_CASE("a journal survives encoding") {
  const WriteJournal journal = sample();
  auto back = decode_journal(encode_journal(journal));
  REQUIRE(back);
  require_same(journal, *back);
  auto empty = decode_journal(encode_journal(WriteJournal{}));
  REQUIRE(empty);
  CHECK(empty->files.empty());
}

TEST_CASE("a journal with a ref move survives encoding, and version 2 is still read") {
  WriteJournal journal = sample();
  journal.operation = "rewrite";
  journal.ref_move = JournalRefMove{std::string(40, '1'), std::string(40, '2'), "migline: x"};
  auto back = decode_journal(encode_journal(journal));
  REQUIRE(back);
  require_same(journal, *back);

  // Version 2: no ref-move field after the head (a 0 there in version 3).
  journal.ref_move.reset();
  std::string v3 = encode_journal(journal);
  const std::string magic = "migline write journal 3\n";
  const std::size_t head_end = magic.size() + 1 + journal.operation.size() + 1 +
                               journal.index_file.size() + 1 + journal.head.size();
  REQUIRE(v3[head_end] == '\0');
  std::string v2 = "migline write journal 2\n" + v3.substr(magic.size(), head_end - magic.size()) +
                   v3.substr(head_end + 1, v3.size() - sizeof(std::uint64_t) - head_end - 1);
  append_raw(v2, checksum64(v2));
  auto old = decode_journal(v2);
  REQUIRE(old);
  require_same(journal, *old);
}

TEST_CASE("a torn journal is refused: every truncation and any trailing byte") {
  const std::string bytes = encode_journal(sample());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    INFO(size);
    CHECK_FALSE(decode_journal(bytes.substr(0, size)));
  }
  CHECK_FALSE(decode_journal(bytes + '\0'));
}

TEST_CASE("a journal with any one flipped bit is refused") {
  const std::string bytes = encode_journal(sample());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      INFO(i << " bit " << bit);
      CHECK_FALSE(decode_journal(damaged));
    }
  }
}

}  // namespace migline
