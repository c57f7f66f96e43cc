#include "core/codec/journal_codec.hpp"

#include "core/codec/migration_codec.hpp"
#include "core/codec/raw_bytes.hpp"
#include "core/codec/varint.hpp"

namespace migline {
namespace {

constexpr std::string_view kMagic = "migline write journal 3\n";
// Before the ref move; still read, so that an upgrade does not strand an interrupted write.
constexpr std::string_view kMagicV2 = "migline write journal 2\n";

using Writer = VarintWriter;

// Reads what Writer wrote; any overrun or oversized value turns it off for good.
class Reader : public VarintReader {
 public:
  using VarintReader::VarintReader;
  std::uint32_t small() { return static_cast<std::uint32_t>(at_most(0xffffffffULL)); }
};

}  // namespace

std::string encode_journal(const WriteJournal& journal) {
  Writer w;
  w.out() += kMagic;
  w.text(journal.operation);
  w.text(journal.index_file);
  w.text(journal.head);
  w.number(journal.ref_move ? 1 : 0);
  if (journal.ref_move) {
    w.text(journal.ref_move->from);
    w.text(journal.ref_move->to);
    w.text(journal.ref_move->message);
  }
  w.number(journal.renames.size());
  for (const auto& [from, to] : journal.renames) {
    w.text(from);
    w.text(to);
  }
  w.number(journal.files.size());
  for (const JournalFile& file : journal.files) {
    w.text(file.path);
    w.number(file.before.kind);
    w.text(file.before.data);
    w.number(file.before.mode);
    w.number(file.after ? 1 : 0);
    if (file.after) w.text(*file.after);
    w.number(file.index_before.size());
    for (const JournalIndexEntry& entry : file.index_before) {
      w.number(entry.stage);
      w.number(entry.mode);
      w.text(entry.blob);
    }
  }
  std::string out = std::move(w.out());
  append_raw(out, checksum64(out));
  return out;
}

std::optional<WriteJournal> decode_journal(std::string_view bytes) {
  static_assert(kMagic.size() == kMagicV2.size());
  if (bytes.size() < kMagic.size() + sizeof(std::uint64_t)) return std::nullopt;
  const std::string_view magic = bytes.substr(0, kMagic.size());
  if (magic != kMagic && magic != kMagicV2) return std::nullopt;
  const std::size_t body = bytes.size() - sizeof(std::uint64_t);
  if (load_at<std::uint64_t>(bytes, body) != checksum64(bytes.substr(0, body))) {
    return std::nullopt;
  }
  Reader r(bytes.substr(kMagic.size(), body - kMagic.size()));
  WriteJournal journal;
  journal.operation = r.text();
  journal.index_file = r.text();
  journal.head = r.text();
  if (magic == kMagic) {
    const std::uint32_t has_ref_move = r.small();
    if (has_ref_move > 1) return std::nullopt;
    if (has_ref_move == 1) {
      JournalRefMove move;
      move.from = r.text();
      move.to = r.text();
      move.message = r.text();
      journal.ref_move = std::move(move);
    }
  }
  journal.renames.resize(r.count());
  for (auto& [from, to] : journal.renames) {
    from = r.text();
    to = r.text();
  }
  journal.files.resize(r.count());
  for (JournalFile& file : journal.files) {
    file.path = r.text();
    const std::uint32_t kind = r.small();
    if (kind > JournalBefore::Blob) return std::nullopt;
    file.before.kind = static_cast<JournalBefore::Kind>(kind);
    file.before.data = r.text();
    file.before.mode = r.small();
    const std::uint32_t has_after = r.small();
    if (has_after > 1) return std::nullopt;
    if (has_after == 1) file.after = r.text();
    file.index_before.resize(r.count());
    for (JournalIndexEntry& entry : file.index_before) {
      entry.stage = r.small();
      entry.mode = r.small();
      entry.blob = r.text();
    }
    if (!r.ok()) return std::nullopt;
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return journal;
}

}  // namespace migline
