#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/alembic/alembic_history.hpp"
#include "core/text/diagnostic.hpp"
#include "project/config.hpp"
#include "project/file_source.hpp"

namespace migline {

// Where one Alembic history's revisions are, and what said so.
struct AlembicLocation {
  std::string script_location;                 // relative to the project root; "" is the root
  std::vector<std::string> version_locations;  // relative to the root
  bool recursive = false;
  std::string origin;  // ".migline.yaml", the alembic.ini or pyproject.toml path, or "env.py"
};

// The `[alembic]` options of an alembic.ini read statically (ConfigParser syntax: sections,
// `key = value` or `key: value`, indented continuation lines, `#`/`;` comments, `%(here)s`
// and `%%`); `here` is the ini's directory relative to the root.
std::map<std::string, std::string> read_alembic_ini(std::string_view text, std::string_view here);

// The string and list-of-strings keys of pyproject.toml's `[tool.alembic]` table, lists
// joined by spaces; `%(here)s` replaced by `here`.
std::map<std::string, std::string> read_pyproject_alembic(std::string_view text,
                                                          std::string_view here);

// The histories of `source`: those `.migline.yaml` declares, those alembic.ini and
// pyproject.toml `[tool.alembic]` files name, and every other directory with `env.py` and
// revision files in `versions/`. Sorted by script location, one per location.
std::vector<AlembicLocation> find_alembic_locations(const FileSource& source, const Config& config);

// Reads every revision file of every history of `source` and builds each history. Files that
// fail to read and the histories' findings go to `diagnostics`; the error is for a file that
// cannot be read at all (exit status 2).
tl::expected<std::vector<AlembicHistory>, Diagnostic> load_alembic_histories(
    const FileSource& source, const Config& config, Diagnostics& diagnostics);

}  // namespace migline
