#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/django/django_migration.hpp"
#include "core/graph/migration_graph.hpp"
#include "core/text/text_edit.hpp"

namespace migline {

// A divergent set to linearize: the leaf that stays, and the leaves whose chains move after
// it, in the order they are appended. All are graph nodes of `app`.
struct DivergentSet {
  std::string app;
  int kept = -1;
  std::vector<int> moving;
};

// A migration file that gets a new name.
struct MigrationRename {
  int migration = -1;  // index into the migrations
  std::string new_name;
};

// Edits to one migration file's string literals.
struct MigrationEdit {
  int migration = -1;
  TextEdit edit;
  std::string app;          // the app of the reference
  std::string name;         // the name it now holds
  std::string old_name;     // the name it held
  std::string description;  // e.g. "('orders', '0003_a') -> '0004_a'"
};

// What resolving changes: renamed files and token-precise edits. Nothing is applied yet.
struct ResolutionPlan {
  std::vector<MigrationRename> renames;
  std::vector<MigrationEdit> edits;
};

// The migrations of `app` reachable from `leaf` but not from any of `stay`, parents first.
std::vector<int> moving_chain(const MigrationGraph& graph, std::string_view app, int leaf,
                              const std::vector<int>& stay);

// Renumbers each set's moving chains after the highest number of the migrations that stay,
// keeping each name's suffix and digit count, points each chain's root at the leaf before
// it, and rewrites every reference (`dependencies`, `run_before`, `replaces`, any app) to a
// renamed migration. `sources[i]` is the text of `migrations[i]`; only the texts of the
// migrations it edits are read: those of the sets' apps and those with a reference into one of
// them (the others may be empty). The error says why a set cannot be linearized (a name
// already taken, a root with no dependency to re-point).
tl::expected<ResolutionPlan, std::string> plan_linearization(
    const std::vector<DjangoMigration>& migrations, const std::vector<std::string_view>& sources,
    const MigrationGraph& graph, const std::vector<DivergentSet>& sets);

// Renumbers `chain` (migrations of `app`, parents first) after the highest number of the
// app's other migrations and rewrites every reference to them; dependencies stay as they are.
// Used when a repaired reference leaves a migration numbered before the one it follows.
tl::expected<ResolutionPlan, std::string> plan_renumbering(
    const std::vector<DjangoMigration>& migrations, const std::vector<std::string_view>& sources,
    const MigrationGraph& graph, const std::string& app, const std::vector<int>& chain);

// Migrations known to be renamed, e.g. by git's rename detection: (app, old name) -> new name.
using KnownRenames = std::map<std::pair<std::string, std::string>, std::string>;

// Repairs references left dangling by a rename on another branch or in an earlier commit (a
// merge of a branch that renamed, a rebase that went on after `resolve`): a dependency or
// run_before entry naming a migration of a project app that does not exist is pointed at its
// new name in `renames` if that exists, else at the one migration of that app with the same
// suffix and another number. References with no such target are left alone. Only the texts of
// migrations with such a reference are read.
ResolutionPlan plan_dangling_repairs(const std::vector<DjangoMigration>& migrations,
                                     const std::vector<std::string_view>& sources,
                                     const std::vector<std::string>& apps,
                                     const KnownRenames& renames = {});

// As above, asking `renames` for the known renames only once some reference dangles: finding
// them costs git's rename detection, and most projects have nothing to repair.
ResolutionPlan plan_dangling_repairs(const std::vector<DjangoMigration>& migrations,
                                     const std::vector<std::string_view>& sources,
                                     const std::vector<std::string>& apps,
                                     const std::function<KnownRenames()>& renames);

}  // namespace migline
