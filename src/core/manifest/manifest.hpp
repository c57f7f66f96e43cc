#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/text/diagnostic.hpp"

namespace migline {

// Each app label's leaves, sorted; more than one leaf means the app is divergent. An Alembic
// history's heads are under alembic_manifest_key(script location): after every app label.
using LeafMap = std::map<std::string, std::vector<std::string>>;

// The LeafMap key of an Alembic history: a prefix no app label has, and that sorts after them.
inline constexpr std::string_view kAlembicKeyPrefix = "~alembic:";
std::string alembic_manifest_key(std::string_view script_location);
// How messages name the entry of `key`: `orders`, or `alembic history db/main`.
std::string manifest_key_name(std::string_view key);
// True for an Alembic history's key.
bool is_alembic_manifest_key(std::string_view key);
// What goes before the entry of `key` besides its blank line: `alembic:` and a blank line
// before the first Alembic history (`previous` is the key rendered last, or empty).
std::string render_manifest_section_break(std::string_view previous, std::string_view key);

// The single-file manifest (`migrations.lock.yaml`): a fixed header naming `file_name`,
// `version: 1`, then `django:` with one entry per app, sorted, each followed by a blank line
// so that changes to different apps never touch adjacent lines; then, when there are any,
// `alembic:` with one entry per history (`"script/location": head`). Byte-stable, LF endings.
std::string render_manifest(std::string_view file_name, const LeafMap& leaves);

// The fixed start of a single-file manifest, through `django:`.
std::string render_manifest_header(std::string_view file_name);

// One entry of a single-file manifest, `  app: leaf` or `  app: [a, b]`, with its newline; an
// Alembic history whose heads are all "branch@head" (separately labelled branches, not
// divergence) as `  "location": {branch: head, ...}`.
std::string render_manifest_entry(std::string_view app, const std::vector<std::string>& leaves);

// Reads a single-file manifest back. Conflict markers, unknown lines, duplicate apps and a
// wrong version are errors at their line.
tl::expected<LeafMap, Diagnostics> parse_manifest(std::string_view path, std::string_view text);

// The per-app manifest (`max_migration.txt`, as django-linear-migrations writes it): the leaf
// and a newline; a divergent app's leaves one per line.
std::string render_max_migration(const std::vector<std::string>& leaves);

// Reads a `max_migration.txt` back: one or more names, one per line.
tl::expected<std::vector<std::string>, Diagnostics> parse_max_migration(std::string_view path,
                                                                        std::string_view text);

}  // namespace migline
