#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/text/diagnostic.hpp"

namespace migline {

// Each app label's leaves, sorted; more than one leaf means the app is divergent.
using LeafMap = std::map<std::string, std::vector<std::string>>;

// The single-file manifest (`migrations.lock.yaml`): a fixed header naming `file_name`,
// `version: 1`, then `django:` with one entry per app, sorted, each followed by a blank line
// so that changes to different apps never touch adjacent lines. Byte-stable, LF endings.
std::string render_manifest(std::string_view file_name, const LeafMap& leaves);

// The fixed start of a single-file manifest, through `django:`.
std::string render_manifest_header(std::string_view file_name);

// One entry of a single-file manifest, `  app: leaf` or `  app: [a, b]`, with its newline.
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
