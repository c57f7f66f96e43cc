#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace migline {

// One entry the index held for a path before a journaled write: `git ls-files --stage`.
struct JournalIndexEntry {
  std::uint32_t stage = 0;  // 0, or 1-3 for the sides of a conflict
  std::uint32_t mode = 0;   // git's file mode, e.g. 0100644
  std::string blob;         // hex blob id
};

// What a path held in the work tree before a journaled write.
struct JournalBefore {
  enum Kind : std::uint8_t { Absent, Content, Blob } kind = Absent;
  std::string data;           // the bytes (Content) or a hex blob id (Blob)
  std::uint32_t mode = 0644;  // permission bits of the file
};

// One path a journaled write changes: its state before and after, in the work tree and index.
struct JournalFile {
  std::string path;  // relative to the work tree root
  JournalBefore before;
  std::optional<std::string> after;             // std::nullopt: the path is removed
  std::vector<JournalIndexEntry> index_before;  // every stage of the path, in order
};

// The move of HEAD's branch that a journaled write carries out first (the zero-touch merge's
// rewrite of the merge commit): finishing makes it point at `to`, undoing at `from` again.
struct JournalRefMove {
  std::string from;     // hex commit id it pointed at when planned
  std::string to;       // hex commit id it is moved to
  std::string message;  // the reflog message of the forward move
};

// A write of several files and the index planned in full before the first byte is written,
// so that an interrupted run can be finished or undone by another process.
struct WriteJournal {
  std::string operation;   // who wrote it: "resolve", "update"
  std::string index_file;  // the index file it stages into; "" for the repository's own
  std::string head;  // HEAD and the commit being merged in when it was planned: "HEAD [INCOMING]"
  std::optional<JournalRefMove> ref_move;  // none for `resolve` and the hook's manifest write
  std::vector<std::pair<std::string, std::string>> renames;  // old path, new path (for people)
  std::vector<JournalFile> files;
};

// The bytes of `journal`, ending with a checksum of everything before it.
std::string encode_journal(const WriteJournal& journal);

// The journal `bytes` encodes (this version's, or version 2's, which has no ref move);
// std::nullopt unless `bytes` is exactly one well-formed encoding
// with a matching checksum (a torn or damaged record). Never reads outside `bytes`.
std::optional<WriteJournal> decode_journal(std::string_view bytes);

}  // namespace migline
