#include "project/project_loader.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/app_config.hpp"
#include "core/glob.hpp"
#include "core/migration_codec.hpp"
#include "git/repository.hpp"
#include "project/parse_cache.hpp"

namespace migline {
namespace {

constexpr std::string_view kPackageMarker = "migrations/__init__.py";

std::string_view basename(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string join_path(std::string_view dir, std::string_view rest) {
  return dir.empty() ? std::string(rest) : fmt::format("{}/{}", dir, rest);
}

bool selected(const Config& config, std::string_view app_dir) {
  for (const std::string& glob : config.exclude) {
    if (glob_match_dir_or_parent(glob, app_dir)) return false;
  }
  if (config.include.empty()) return true;
  return std::any_of(config.include.begin(), config.include.end(), [&](const std::string& glob) {
    return glob_match_dir_or_parent(glob, app_dir);
  });
}

Diagnostic io_error(std::string_view path, const std::string& why) {
  return file_error(path, fmt::format("cannot read: {}", why));
}

// What a parse depends on besides the file: migline's version and the swappable settings.
std::uint64_t parse_salt(const SwappableSettings& settings) {
  std::string key = MIGLINE_VERSION;
  for (const auto& [name, value] : settings) key += fmt::format("\n{}={}", name, value);
  return checksum64(key);
}

// Reads migration files through the parse cache: a file whose blob was parsed before is not
// read at all when the source knows its id, and not parsed again when it does not.
class MigrationReader {
 public:
  MigrationReader(const FileSource& source, const SwappableSettings& settings)
      : source_(source), settings_(settings) {
    if (std::string file = source.parse_cache_file(); !file.empty()) {
      cache_.emplace(ParseCache::load(std::move(file), parse_salt(settings)));
    }
  }
  ~MigrationReader() {
    if (cache_) cache_->save();
  }
  MigrationReader(const MigrationReader&) = delete;
  MigrationReader& operator=(const MigrationReader&) = delete;

  // The migration at `path`; the outer error is for a file that cannot be read.
  tl::expected<tl::expected<DjangoMigration, Diagnostics>, Diagnostic> read(
      const std::string& path) {
    std::optional<KnownBlob> known = cache_ ? source_.known_blob(path) : std::nullopt;
    if (known) {
      if (auto cached = cache_->find(known->id, known->file_size)) {
        return with_path(std::move(*cached), path);
      }
    }
    auto text = source_.read(path);
    if (!text) return tl::make_unexpected(io_error(path, text.error()));
    // A work-tree file may not hold the blob the index named (see KnownBlob): key it by its
    // own bytes, which an earlier run may have parsed.
    const bool own_bytes = !known || known->file_size;
    git_oid id{};
    if (cache_) id = own_bytes ? blob_id(*text) : known->id;
    if (cache_ && own_bytes) {
      if (auto cached = cache_->find(id, std::nullopt)) return with_path(std::move(*cached), path);
    }
    auto migration = read_django_migration(path, *text, settings_);
    if (migration && cache_) cache_->add(id, text->size(), *migration);
    return migration;
  }

 private:
  static tl::expected<DjangoMigration, Diagnostics> with_path(DjangoMigration migration,
                                                              const std::string& path) {
    migration.path = path;
    return migration;
  }

  const FileSource& source_;
  const SwappableSettings& settings_;
  std::optional<ParseCache> cache_;
};

}  // namespace

tl::expected<Project, Diagnostic> load_project(const FileSource& source) {
  Project project;
  const std::vector<std::string>& paths = source.paths();
  auto listed = [&](std::string_view path) {
    return std::binary_search(paths.begin(), paths.end(), path);
  };

  if (listed(kConfigFileName)) {
    auto text = source.read(kConfigFileName);
    if (!text) return tl::make_unexpected(io_error(kConfigFileName, text.error()));
    auto config = parse_config(kConfigFileName, *text);
    if (!config) return tl::make_unexpected(config.error());
    project.config = std::move(*config);
  }
  const Config& config = project.config;

  // Packages, in path order; labels checked for clashes as they come.
  std::map<std::string, std::string> dir_of_label;
  for (const std::string& path : paths) {
    const bool top = path == kPackageMarker;
    if (!top && (path.size() <= kPackageMarker.size() ||
                 path.compare(path.size() - kPackageMarker.size(), kPackageMarker.size(),
                              kPackageMarker) != 0 ||
                 path[path.size() - kPackageMarker.size() - 1] != '/')) {
      continue;
    }
    MigrationPackage package;
    package.app_dir = top ? "" : path.substr(0, path.size() - kPackageMarker.size() - 1);
    if (!selected(config, package.app_dir)) continue;
    const std::string apps_py = join_path(package.app_dir, "apps.py");
    // The project root itself is written "." in `labels:`.
    if (auto it = config.labels.find(package.app_dir.empty() ? "." : package.app_dir);
        it != config.labels.end()) {
      package.label = it->second;
      package.label_origin = "config";
    } else if (listed(apps_py)) {
      auto text = source.read(apps_py);
      if (!text) return tl::make_unexpected(io_error(apps_py, text.error()));
      auto label = read_app_label(apps_py, *text);
      if (!label) {
        project.diagnostics.insert(project.diagnostics.end(), label.error().begin(),
                                   label.error().end());
      } else if (*label) {
        package.label = (*label)->label;
        package.label_origin = "apps.py";
      }
    }
    if (package.label.empty() && package.app_dir.empty()) {
      Diagnostic d;
      d.path = "migrations";
      d.message = "a migrations package at the project root has no app directory to name it";
      d.hint = "name its app in .migline.yaml: `labels: {\".\": app_label}`";
      d.rule = "unlabelled-package";
      project.diagnostics.push_back(std::move(d));
      continue;
    }
    if (package.label.empty()) {
      package.label = std::string(basename(package.app_dir));
      package.label_origin = "directory";
    }
    auto [clash, inserted] = dir_of_label.emplace(package.label, package.app_dir);
    if (!inserted) {
      Diagnostic d;
      d.path = join_path(package.app_dir, "migrations");
      d.message = fmt::format("app label '{}' is used by both {}/ and {}/", package.label,
                              clash->second.empty() ? "." : clash->second,
                              package.app_dir.empty() ? "." : package.app_dir);
      d.hint =
          "give one app a distinct `label` in its apps.py, or map it under `labels:` in "
          ".migline.yaml";
      d.rule = "duplicate-label";
      project.diagnostics.push_back(std::move(d));
      continue;
    }
    project.packages.push_back(std::move(package));
  }
  std::sort(project.packages.begin(), project.packages.end(),
            [](const auto& a, const auto& b) { return a.label < b.label; });

  // Migration modules: `*.py` directly in the package, not starting with '_' or '~'.
  MigrationReader reader(source, config.settings);
  std::set<std::string> apps;
  for (MigrationPackage& package : project.packages) {
    apps.insert(package.label);
    const std::string dir = join_path(package.app_dir, "migrations/");
    auto it = std::lower_bound(paths.begin(), paths.end(), dir);
    for (; it != paths.end() && it->compare(0, dir.size(), dir) == 0; ++it) {
      std::string_view file = std::string_view(*it).substr(dir.size());
      if (file.find('/') != std::string_view::npos || file.size() < 4 ||
          file.substr(file.size() - 3) != ".py" || file[0] == '_' || file[0] == '~') {
        continue;
      }
      std::string_view name = file.substr(0, file.size() - 3);
      if (name.find('.') != std::string_view::npos) {
        Diagnostic d;
        d.path = *it;
        d.message = "a migration module name cannot contain '.'";
        d.hint = "Django cannot import it; rename the file";
        d.rule = "parse-error";
        project.diagnostics.push_back(std::move(d));
        continue;
      }
      auto read = reader.read(*it);
      if (!read) return tl::make_unexpected(read.error());
      auto& migration = *read;
      if (!migration) {
        project.diagnostics.insert(project.diagnostics.end(), migration.error().begin(),
                                   migration.error().end());
        continue;
      }
      migration->app = package.label;
      migration->name = std::string(name);
      package.migrations.push_back(static_cast<int>(project.migrations.size()));
      project.migrations.push_back(std::move(*migration));
    }
  }

  const std::size_t before_graph = project.diagnostics.size();
  project.graph = MigrationGraph::build(project.migrations, apps, project.diagnostics);
  // Graph findings carry positions only; show their source lines too (rare: read again).
  for (std::size_t i = before_graph; i < project.diagnostics.size(); ++i) {
    Diagnostic& d = project.diagnostics[i];
    if (d.line <= 0 || d.path.empty()) continue;
    if (auto text = source.read(d.path)) {
      std::size_t offset = 0;
      for (int line = 1; line < d.line && offset < text->size(); ++offset) {
        if ((*text)[offset] == '\n') ++line;
      }
      d.source_line = std::string(line_containing(*text, offset));
    }
  }
  sort_diagnostics(project.diagnostics);
  return project;
}

}  // namespace migline
