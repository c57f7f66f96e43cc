#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/text/diagnostic.hpp"

namespace migline {

// One id as written in a revision file: its value and the span of its string literal.
struct RevisionIdRef {
  std::string id;
  SourceSpan span;
};

// The four module-level variables of one Alembic revision file, read as text, normalised as
// Alembic does (a 1-tuple is a string, `()` and `[]` are None).
struct AlembicRevision {
  std::string path;  // relative to the project root
  std::string revision;
  SourceSpan revision_span;
  std::vector<RevisionIdRef> down_revisions;  // empty: a base (None)
  SourceSpan down_revision_span;              // the whole value expression
  bool down_revision_none = false;            // written as None, `()` or `[]`
  std::vector<RevisionIdRef> branch_labels;
  std::vector<RevisionIdRef> depends_on;
  bool annotated = false;  // `revision: str = ...`
  // The value of the docstring's `Revises:` line (offset and length in the source); length
  // 0 with has_revises_line false when the docstring has none.
  SourceSpan revises_value;
  bool has_revises_line = false;
};

// Names a project defines outside its revision files and that `.migline.yaml` states, e.g.
// neutron's `cli.CONTRACT_BRANCH` -> "contract": read as that string wherever a literal may be.
using AlembicConstants = std::map<std::string, std::string, std::less<>>;

// Reads `revision`, `down_revision`, `branch_labels` and `depends_on` at module level of
// `source` without running it, plain or annotated. A value that is not a string literal, None
// or a tuple or list of string literals is a diagnostic, never a guess; so are a missing
// `revision` (unless the file name is hex, Alembic's legacy rule), a missing `down_revision`,
// and a revision id holding `@`, `-` or `+`.
tl::expected<AlembicRevision, Diagnostics> read_alembic_revision(
    std::string_view path, std::string_view source, const AlembicConstants& constants = {});

// The revision id a file that failed to read still states (`revision = "..."` as a literal),
// else the hex prefix of its file name: what other revisions would call it.
std::optional<std::string> unreadable_revision_id(std::string_view path, std::string_view source);

// Whether Alembic loads the file named `file_name` (no directory) in a versions directory:
// `*.py`, except `__init__*` and editor lock files `.#*`.
bool is_alembic_revision_file(std::string_view file_name);

}  // namespace migline
