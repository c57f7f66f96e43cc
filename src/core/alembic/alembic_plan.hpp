#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/alembic/alembic_history.hpp"
#include "core/text/text_edit.hpp"

namespace migline {

// One revision of the moving chain re-parented onto the kept head.
struct AlembicReparent {
  std::string path;
  std::string revision;
  std::string fork_point;       // the down_revision it had: `alembic downgrade` target
  std::vector<TextEdit> edits;  // its down_revision literal and its docstring's `Revises:`
};

// A revision file of a moving chain renamed, where the project numbers its files.
struct AlembicRename {
  std::string path;
  std::string new_path;
};

// How to linearize one divergent history: which revisions move (ids never change).
struct AlembicLinearization {
  std::string location;
  std::string kept_head;
  std::vector<std::string> moved;  // every revision of the moving chain, by id
  std::vector<AlembicReparent> reparents;
  std::vector<AlembicRename> renames;  // only when alembic_files_numbered()
};

// Whether the project numbers the files of `history` with a counter of its own
// (`0007_add_users.py`, a `file_template` starting with a counter): every file name starts
// with digits, '_' and no digit (a date such as `2024_05_01_...` is no counter), and not
// with its revision id. Linearizing renumbers only when the revisions that stay also never
// share a number.
bool alembic_files_numbered(const AlembicHistory& history);

// Per revision of `history`: reachable from revision `moving` through down_revision but not
// from revision `kept` (indices; -1 reaches nothing). What linearizing moves.
std::vector<char> alembic_moving_chain(const AlembicHistory& history, int kept, int moving);

// Plans re-parenting the chain of `moving_head` (every revision reachable from it through
// down_revision but not from `kept_head`) onto `kept_head`; where the files are numbered, the
// chain's files are renumbered after the highest number of the rest, in number order, each
// keeping its suffix and digit count, as Django's are. Each root of the chain (a revision
// whose down_revision leaves the chain) has that one entry rewritten, token-precise, in its own
// quotes (None becomes a string in the file's quote style), and the id in its docstring's
// `Revises:` line replaced. `sources` holds each revision file's text by path. The error says
// why the plan cannot be made (a head not in the history, the chain reaching the kept head).
tl::expected<AlembicLinearization, std::string> plan_alembic_linearization(
    const AlembicHistory& history, std::string_view kept_head, std::string_view moving_head,
    const std::map<std::string, std::string>& sources);

// The text of a merge revision as `alembic merge heads` writes it: the docstring with
// `Revises:`, `down_revision` a tuple of `heads`, no branch labels, empty upgrade and
// downgrade; with type annotations when `annotated` (Alembic 1.13's template).
std::string render_alembic_merge_revision(std::string_view id,
                                          const std::vector<std::string>& heads,
                                          std::string_view create_date, bool annotated);

// The file name `alembic merge heads` gives it under the default `%(rev)s_%(slug)s` template.
std::string alembic_merge_file_name(std::string_view id);

// What a database that follows the old commit must undo before the new one: the revisions of
// `old_history` the new commit lacks or states with another down_revision, with every
// descendant (ids, in path order), and the revisions to downgrade to (their down_revisions
// outside that set, sorted; "base" for a base). Empty `removed` when nothing goes away.
struct AlembicRollback {
  std::string location;
  std::vector<std::string> removed;
  std::vector<std::string> targets;
};
// `new_history` is the same script location at the new commit, or null when it has none.
AlembicRollback plan_alembic_rollback(const AlembicHistory& old_history,
                                      const AlembicHistory* new_history);

// What to run first on a database that applied `revision` before it moved: Alembic stores
// only heads, so after the move it would skip the other side's revisions.
std::string alembic_downgrade_advice(const AlembicReparent& reparent);

}  // namespace migline
