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

// How to linearize one divergent history: which revisions move (ids never change).
struct AlembicLinearization {
  std::string location;
  std::string kept_head;
  std::vector<std::string> moved;  // every revision of the moving chain, by id
  std::vector<AlembicReparent> reparents;
};

// Plans re-parenting the chain of `moving_head` (every revision reachable from it through
// down_revision but not from `kept_head`) onto `kept_head`: each root of the chain (a revision
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

// What to run first on a database that applied `revision` before it moved: Alembic stores
// only heads, so after the move it would skip the other side's revisions.
std::string alembic_downgrade_advice(const AlembicReparent& reparent);

}  // namespace migline
