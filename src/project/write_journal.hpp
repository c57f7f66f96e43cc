#pragma once

#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "core/codec/journal_codec.hpp"
#include "core/text/diagnostic.hpp"
#include "git/repository.hpp"

namespace migline {

// Where the journal of this work tree's interrupted write lives: <git dir>/migline/journal.
std::string journal_path(const GitRepository& repo);

// The journal an interrupted write left behind, if any. An error when it cannot be read or is
// damaged; the message names the file.
tl::expected<std::optional<WriteJournal>, std::string> read_journal(const GitRepository& repo);

// What other commands say while a journal is pending: which write was interrupted and the two
// commands that finish or undo it.
std::string interrupted_message(const WriteJournal& journal);

// Records `journal` durably, carries it out (the ref move first), makes the result durable,
// then drops the record. A failure midway undoes what was done, the ref move included; if
// even that fails, the record stays and the error says to run `migline resolve --abort`.
tl::expected<void, Diagnostic> run_journaled(const GitRepository& repo,
                                             const WriteJournal& journal);

// Carries out a pending journal to the end and drops it; idempotent, safe to interrupt.
// Refuses when HEAD is no longer the commit the journal was planned on (or, with a ref move,
// the commit it moves HEAD to).
tl::expected<void, Diagnostic> finish_journal(const GitRepository& repo,
                                              const WriteJournal& journal);

// Puts every file and index entry of a pending journal back as it was before, and HEAD's
// branch back on the old commit if it moved, then drops it; idempotent, safe to interrupt.
// Refuses when HEAD has moved elsewhere, like finish_journal.
tl::expected<void, Diagnostic> undo_journal(const GitRepository& repo, const WriteJournal& journal);

}  // namespace migline
