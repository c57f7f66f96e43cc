#pragma once

#include <set>
#include <string>
#include <utility>

#include "core/django/django_migration.hpp"
#include "core/graph/migration_graph.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// (app, name) of migration modules that exist but could not be read.
using UnreadableMigrations = std::set<std::pair<std::string, std::string>, std::less<>>;

// The migration graph of `migrations` (their `app` and `name` filled in) exactly as Django's
// `MigrationLoader(None)` builds it: no database, so every squash replaces its targets
// (`replaces`), `__first__` and `__latest__` name an app's first and last migration, and
// `run_before` adds edges the other way. `apps` are the labels of every migrations package,
// including empty ones; references to other apps are external. Duplicates, dangling
// references, cycles and unusable squashes are appended to `diagnostics`, except references
// to `unreadable` migrations (or to an app that has one): their cause is reported already.
MigrationGraph build_django_graph(const std::vector<DjangoMigration>& migrations,
                                  const std::set<std::string>& apps, Diagnostics& diagnostics,
                                  const UnreadableMigrations& unreadable = {});

}  // namespace migline
