#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "core/alembic/alembic_plan.hpp"
#include "core/text/diagnostic.hpp"
#include "git/repository.hpp"

namespace migline {

// One app whose migrations a checkout takes away, and how far to roll it back first.
struct AppRollback {
  std::string app;
  std::vector<std::string> removed;  // names at the old commit missing at the new one, in order
  std::string target;                // the last migration both commits share, or "zero"
};

// What a checkout takes away: Django apps, and Alembic histories (core/alembic/alembic_plan).
struct SwitchRollbacks {
  std::vector<AppRollback> apps;
  std::vector<AlembicRollback> alembic;
};

// For each app, the migrations of the tree of `old_rev` (below `prefix`) that the tree of
// `new_rev` lacks, with the rollback target: the leaf, in the old commit's graph, of the
// app's migrations both commits have. Sorted by app; empty when nothing went away. Only
// paths are compared unless a migration file went away, so the common case reads no file.
// Alembic histories likewise, by revision id: a revision the new tree lacks or re-parents,
// with its descendants, and the revisions to downgrade to; read only when a revision file of
// the old tree is gone or changed.
tl::expected<SwitchRollbacks, std::string> rollbacks_between(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    const std::string& old_rev, const std::string& new_rev);

// Each app's migrations in the tree of `new_rev` that the tree of `old_rev` lacks, in graph
// order: what `manage.py migrate` will apply after moving from one to the other; each Alembic
// history's new revisions under alembic_manifest_key(location) (re-parented ones are
// rollbacks_between's).
tl::expected<std::map<std::string, std::vector<std::string>>, std::string> arrivals_between(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix,
    const std::string& old_rev, const std::string& new_rev);

// After a merge committed at HEAD: the references in HEAD's tree to migrations that do not
// exist, when a parent renamed or deleted a migration since the merge base (otherwise none,
// and no file is read). Empty when HEAD is not a two-parent merge.
tl::expected<Diagnostics, std::string> dangling_after_merge(
    const std::shared_ptr<const GitRepository>& repo, const std::string& prefix);

}  // namespace migline
