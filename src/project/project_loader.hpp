#pragma once

#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "core/alembic/alembic_history.hpp"
#include "core/django/django_graph.hpp"
#include "core/django/django_migration.hpp"
#include "core/graph/migration_graph.hpp"
#include "core/text/diagnostic.hpp"
#include "project/config.hpp"
#include "project/file_source.hpp"

namespace migline {

// One Django migrations package and the app it belongs to.
struct MigrationPackage {
  std::string app_dir;          // directory holding `migrations/`, relative to the project root
  std::string label;            // app label
  std::string label_origin;     // "config", "apps.py" or "directory"
  std::vector<int> migrations;  // indices into Project::migrations, sorted by name
};

// A directory named `migrations` that is not a Django migrations package, and why.
struct SkippedPackage {
  std::string path;  // the `migrations` directory, relative to the project root
  std::string reason;
};

// Everything migline knows about one project, read from one FileSource.
struct Project {
  Config config;
  std::vector<MigrationPackage> packages;  // sorted by label
  std::vector<SkippedPackage> skipped;     // in path order
  std::vector<DjangoMigration> migrations;
  MigrationGraph graph;
  UnreadableMigrations unreadable;  // migrations that failed to read: their apps' leaves
                                    // are not known
  Diagnostics diagnostics;  // findings about the project's files: parse errors, dangling, cycles
  std::vector<AlembicHistory> alembic;  // by script location (project/alembic_loader)
};

// Reads the config, finds migration packages and labels, parses every migration once and
// builds the graph. Findings go to Project::diagnostics; the error is for what stops the
// whole load (invalid config, unreadable file): exit status 2.
tl::expected<Project, Diagnostic> load_project(const FileSource& source);

}  // namespace migline
