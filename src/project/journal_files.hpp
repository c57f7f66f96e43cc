#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "core/codec/journal_codec.hpp"
#include "core/text/diagnostic.hpp"
#include "git/repository.hpp"

namespace migline {

// The directory of a path on disk; "." for a bare name.
std::string parent_of(const std::string& path);

// False when the journal's index file is gone: git drops the temporary index of a failed
// commit, and with it what was staged there.
bool index_still_there(const WriteJournal& journal);

// Removes the temporary files an interrupted write_file_atomic left beside journaled paths
// (`root`: the work tree, ending in '/').
void remove_stray_temporaries(const std::string& root, const WriteJournal& journal);

// Writes `content` at `root + path` unless it is already there (`fresh`: it is known not to
// be), with the permission bits `mode` when given; one durable step.
tl::expected<void, Diagnostic> put_journaled_file(const std::string& root, const std::string& path,
                                                  const std::string& content, bool fresh,
                                                  std::optional<std::uint32_t> mode);

// Removes `root + path`; one durable step unless it was already gone.
tl::expected<void, Diagnostic> remove_journaled_file(const std::string& root,
                                                     const std::string& path);

// Makes durable what carrying out (`forward`) or undoing `journal` wrote in `repo` (whose
// index is the journal's); one durable step.
tl::expected<void, Diagnostic> sync_journal_writes(const GitRepository& repo,
                                                   const WriteJournal& journal, bool forward);

}  // namespace migline
