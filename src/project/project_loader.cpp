#include "project/project_loader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/django/django_graph.hpp"
#include "core/django/migration_module.hpp"
#include "core/text/repo_path.hpp"
#include "project/alembic_loader.hpp"
#include "project/app_labels.hpp"
#include "project/migration_packages.hpp"
#include "project/migration_reader.hpp"
#include "project/stated_facts.hpp"

namespace migline {
namespace {

// One module of a candidate package: where its migration was put, or why it could not be read.
struct ReadModule {
  static constexpr std::size_t kUnreadable = SIZE_MAX;
  std::string name;
  std::size_t migration = kUnreadable;  // into the list read_package appends to
  Diagnostics errors;                   // when unreadable
};

// A candidate package with the outcome of reading each of its modules.
struct ReadPackage {
  MigrationPackage package;
  std::vector<ReadModule> modules;
};

bool defines_no_migration(const ReadModule& module) {
  return module.migration == ReadModule::kUnreadable && module.errors.size() == 1 &&
         module.errors.front().rule == kNoMigrationClassRule;
}

// Moves `items[order[k]]` to `items[k]` for every k, then drops the items `order` does not
// name: in place, so that 100,000 migrations are not held twice. No move at all when `order`
// keeps every item where it is.
template <typename T>
void keep_in_order(std::vector<T>& items, const std::vector<std::size_t>& order) {
  constexpr std::size_t kDropped = SIZE_MAX;
  std::vector<std::size_t> to(items.size(), kDropped);  // where the item now at i goes
  for (std::size_t k = 0; k < order.size(); ++k) to[order[k]] = k;
  for (std::size_t i = 0; i < items.size(); ++i) {
    while (to[i] != kDropped && to[i] != i) {
      const std::size_t j = to[i];
      std::swap(items[i], items[j]);
      std::swap(to[i], to[j]);
    }
  }
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(order.size()), items.end());
}

// Reads the migration modules of the package in `app_dir` (see migration_module_name), appending
// those that read cleanly to `migrations`. The error is for a file that cannot be read.
tl::expected<ReadPackage, Diagnostic> read_package(const std::vector<std::string>& paths,
                                                   std::string app_dir, MigrationReader& reader,
                                                   std::vector<DjangoMigration>& migrations,
                                                   Diagnostics& diagnostics) {
  ReadPackage out;
  out.package.app_dir = std::move(app_dir);
  const std::string dir = join_path(out.package.app_dir, "migrations/");
  const auto first = std::lower_bound(paths.begin(), paths.end(), dir);
  auto last = first;
  while (last != paths.end() && last->compare(0, dir.size(), dir) == 0) ++last;
  out.modules.reserve(static_cast<std::size_t>(last - first));
  for (auto it = first; it != last; ++it) {
    std::string_view name = migration_module_name(std::string_view(*it).substr(dir.size()));
    if (name.empty()) continue;
    if (name.find('.') != std::string_view::npos) {
      Diagnostic d;
      d.path = *it;
      d.message = "a migration module name cannot contain '.'";
      d.hint = "Django cannot import it; rename the file";
      d.rule = "parse-error";
      diagnostics.push_back(std::move(d));
      continue;
    }
    auto read = reader.read(*it);
    if (!read) return tl::make_unexpected(read.error());
    ReadModule& module = out.modules.emplace_back();
    module.name = name;
    if (*read) {
      module.migration = migrations.size();
      migrations.push_back(std::move(**read));
    } else {
      module.errors = std::move(read->error());
    }
  }
  return out;
}

// Warns once per swappable setting that is not configured: its dependencies are external.
void warn_unconfigured_settings(const Project& project, Diagnostics& out) {
  std::set<std::string_view> seen;
  for (const DjangoMigration& m : project.migrations) {
    for (const MigrationRef& ref : m.dependencies) {
      if (!ref.unknown_app() || !seen.insert(ref.setting).second) continue;
      Diagnostic d;
      d.severity = Severity::Warning;
      d.path = m.path;
      d.line = ref.span.line;
      d.column = ref.span.column;
      d.message = fmt::format(
          "setting `{}` is not configured, so migline treats its dependencies as external",
          ref.setting);
      d.hint = fmt::format("name its model in .migline.yaml: `settings: {{{}: app_label.Model}}`",
                           ref.setting);
      d.rule = "unconfigured-setting";
      out.push_back(std::move(d));
    }
  }
}

// Diagnostics found after reading carry positions only; show their source lines too (rare:
// read again).
void add_source_lines(const FileSource& source, Diagnostics::iterator begin,
                      Diagnostics::iterator end) {
  for (auto d = begin; d != end; ++d) {
    if (d->line <= 0 || d->path.empty() || !d->source_line.empty()) continue;
    if (auto text = source.read(d->path)) {
      std::size_t offset = 0;
      for (int line = 1; line < d->line && offset < text->size(); ++offset) {
        if ((*text)[offset] == '\n') ++line;
      }
      d->source_line = std::string(line_containing(*text, offset));
    }
  }
}

}  // namespace

tl::expected<Project, Diagnostic> load_project(const FileSource& source) {
  Project project;
  const std::vector<std::string>& paths = source.paths();
  if (std::binary_search(paths.begin(), paths.end(), kConfigFileName)) {
    auto text = source.read(kConfigFileName);
    if (!text) return tl::make_unexpected(io_error(kConfigFileName, text.error()));
    auto config = parse_config(kConfigFileName, *text);
    if (!config) return tl::make_unexpected(config.error());
    project.config = std::move(*config);
  }
  const Config& config = project.config;

  // Packages in path order: read, kept only when Django would load them, then labelled.
  MigrationReader reader(source, config.settings);
  std::vector<std::string> app_dirs = package_dirs(paths, config);
  const std::vector<std::size_t> modules = module_paths(paths, app_dirs);
  reader.read_ahead(paths, modules);
  std::vector<DjangoMigration>& migrations = project.migrations;  // in path order, until sorted
  migrations.reserve(modules.size());  // no copy of them all while the vector grows
  std::vector<ReadPackage> packages;
  std::map<std::string, std::string> dir_of_label;
  for (std::string& app_dir : app_dirs) {
    auto read = read_package(paths, std::move(app_dir), reader, migrations, project.diagnostics);
    if (!read) return tl::make_unexpected(read.error());
    // No module defines `class Migration`: a library's own package named `migrations`, which
    // belongs to no installed app, so Django never loads it.
    if (!read->modules.empty() &&
        std::all_of(read->modules.begin(), read->modules.end(), defines_no_migration)) {
      project.skipped.push_back(SkippedPackage{
          join_path(read->package.app_dir, "migrations"),
          "none of its modules defines `class Migration`: not a Django migrations package"});
      continue;
    }
    auto labelled = find_label(source, config, read->package, project.diagnostics);
    if (!labelled) return tl::make_unexpected(labelled.error());
    if (!*labelled) continue;
    auto [clash, inserted] = dir_of_label.emplace(read->package.label, read->package.app_dir);
    if (!inserted) {
      project.diagnostics.push_back(
          duplicate_label(read->package.label, clash->second, read->package.app_dir));
      continue;
    }
    packages.push_back(std::move(*read));
  }
  std::sort(packages.begin(), packages.end(),
            [](const auto& a, const auto& b) { return a.package.label < b.package.label; });

  // The migrations of the packages kept, by label then name.
  std::set<std::string> apps;
  UnreadableMigrations unreadable;
  std::vector<std::size_t> order;
  order.reserve(migrations.size());
  for (ReadPackage& read : packages) {
    MigrationPackage& package = read.package;
    apps.insert(package.label);
    for (ReadModule& module : read.modules) {
      if (module.migration == ReadModule::kUnreadable) {
        project.diagnostics.insert(project.diagnostics.end(), module.errors.begin(),
                                   module.errors.end());
        unreadable.emplace(package.label, module.name);
        continue;
      }
      DjangoMigration& migration = migrations[module.migration];
      migration.app = package.label;
      migration.name = std::move(module.name);
      package.migrations.push_back(static_cast<int>(order.size()));
      order.push_back(module.migration);
    }
    decltype(read.modules)().swap(read.modules);
    project.packages.push_back(std::move(package));
  }
  keep_in_order(migrations, order);

  const std::size_t before_graph = project.diagnostics.size();
  apply_stated_facts(project.config, project.migrations, project.diagnostics);
  warn_unconfigured_settings(project, project.diagnostics);
  project.graph = build_django_graph(project.migrations, apps, project.diagnostics, unreadable);
  add_source_lines(source, project.diagnostics.begin() + static_cast<std::ptrdiff_t>(before_graph),
                   project.diagnostics.end());
  project.unreadable = std::move(unreadable);
  // Alembic histories beside the apps (project/alembic_loader), with their own findings.
  const std::size_t before_alembic = project.diagnostics.size();
  auto alembic = load_alembic_histories(source, project.config, project.diagnostics);
  if (!alembic) return tl::make_unexpected(alembic.error());
  project.alembic = std::move(*alembic);
  add_source_lines(source,
                   project.diagnostics.begin() + static_cast<std::ptrdiff_t>(before_alembic),
                   project.diagnostics.end());
  sort_diagnostics(project.diagnostics);
  return project;
}

}  // namespace migline
