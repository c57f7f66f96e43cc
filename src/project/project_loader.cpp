#include "project/project_loader.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <variant>

#include <fmt/format.h>

#include "core/codec/migration_codec.hpp"
#include "core/django/app_config.hpp"
#include "core/plan/migration_name.hpp"
#include "core/text/glob.hpp"
#include "git/repository.hpp"
#include "project/on_threads.hpp"
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

// Whether the config's globs select the package in `app_dir`. A glob may name the app
// directory, one of its parents, or the `migrations` directory itself (the path that
// diagnostics show).
bool selected(const Config& config, const std::string& app_dir) {
  const std::string package = join_path(app_dir, "migrations");
  for (const std::string& glob : config.exclude) {
    if (glob_match_dir_or_parent(glob, package)) return false;
  }
  if (config.include.empty()) return true;
  return std::any_of(config.include.begin(), config.include.end(), [&](const std::string& glob) {
    return glob_match_dir_or_parent(glob, package);
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
  static constexpr std::size_t kPerThread = 64;  // files, at least, per reading thread

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

  // The outer error is for a file that cannot be read.
  using Result = tl::expected<tl::expected<DjangoMigration, Diagnostics>, Diagnostic>;

  // Reads and parses `paths[i]` for each i of `which` ahead, on every core when the source
  // allows it, so that read() of one of them only hands out the result. `paths` must outlive
  // the reader.
  void read_ahead(const std::vector<std::string>& paths, const std::vector<std::size_t>& which) {
    const std::size_t threads = std::clamp<std::size_t>(
        std::min<std::size_t>(which.size() / kPerThread, std::thread::hardware_concurrency()), 1,
        8);
    if (threads < 2) return;
    if (!source_.reads_concurrently()) {
      fetch_then_parse_ahead(paths, which, threads);
      return;
    }
    std::vector<Result> results(which.size());
    on_threads(which.size(), threads,
               [&](std::size_t k) { results[k] = read_now(paths[which[k]]); });
    keep_ahead(paths, which, std::move(results));
  }

  // The migration at `path`.
  Result read(const std::string& path) {
    if (auto it = ahead_.find(path); it != ahead_.end()) {
      Result out = std::move(results_[it->second]);
      ahead_.erase(it);
      if (ahead_.empty()) std::vector<Result>().swap(results_);
      return out;
    }
    return read_now(path);
  }

 private:
  // A file fetched but not parsed yet: its text and the id it is cached under.
  struct Unparsed {
    std::string text;
    git_oid id{};
  };

  // What fetch() found: the result when the cache or the source settled it, else the text.
  using Fetched = std::variant<Result, Unparsed>;

  // Hands out results[k], the result of paths[which[k]], through read().
  void keep_ahead(const std::vector<std::string>& paths, const std::vector<std::size_t>& which,
                  std::vector<Result> results) {
    ahead_.reserve(which.size());
    for (std::size_t k = 0; k < which.size(); ++k) ahead_.emplace(paths[which[k]], k);
    results_ = std::move(results);
  }

  // For a source read on one thread (the index, a tree: libgit2 objects): the files the cache
  // lacks are read here, then parsed on `threads` threads. The others are left to read(),
  // so that a warm run holds nothing ahead and starts no thread.
  void fetch_then_parse_ahead(const std::vector<std::string>& paths,
                              const std::vector<std::size_t>& which, std::size_t threads) {
    std::vector<std::size_t> lacking;
    for (std::size_t i : which) {
      if (cache_) {
        const std::optional<KnownBlob> known = source_.known_blob(paths[i]);
        if (known && cache_->holds(known->id)) continue;
      }
      lacking.push_back(i);
    }
    if (lacking.size() < 2 * kPerThread) return;
    std::vector<Result> results(lacking.size());
    std::vector<std::pair<std::size_t, Unparsed>> unparsed;
    for (std::size_t k = 0; k < lacking.size(); ++k) {
      Fetched fetched = fetch(paths[lacking[k]]);
      if (auto* text = std::get_if<Unparsed>(&fetched)) {
        unparsed.emplace_back(k, std::move(*text));
      } else {
        results[k] = std::move(std::get<Result>(fetched));
      }
    }
    on_threads(unparsed.size(), std::min(threads, unparsed.size() / kPerThread),
               [&](std::size_t u) {
                 auto& [k, file] = unparsed[u];
                 results[k] = parse(paths[lacking[k]], file);
               });
    keep_ahead(paths, lacking, std::move(results));
  }

  // Safe on several threads when the source reads concurrently: the cache is locked.
  Result read_now(const std::string& path) {
    Fetched fetched = fetch(path);
    if (auto* text = std::get_if<Unparsed>(&fetched)) return parse(path, *text);
    return std::move(std::get<Result>(fetched));
  }

  // The cached parse of `path`, a read error, or its text to parse.
  Fetched fetch(const std::string& path) {
    std::optional<KnownBlob> known = cache_ ? source_.known_blob(path) : std::nullopt;
    if (known) {
      std::lock_guard<std::mutex> lock(cache_mutex_);
      if (auto cached = cache_->find(known->id, known->file_size)) {
        return Result(with_path(std::move(*cached), path));
      }
    }
    auto text = source_.read(path);
    if (!text) return Result(tl::make_unexpected(io_error(path, text.error())));
    // A work-tree file may not hold the blob the index named (see KnownBlob): key it by its
    // own bytes, which an earlier run may have parsed.
    const bool own_bytes = !known || known->file_size;
    git_oid id{};
    if (cache_) id = own_bytes ? blob_id(*text) : known->id;
    if (cache_ && own_bytes) {
      std::lock_guard<std::mutex> lock(cache_mutex_);
      if (auto cached = cache_->find(id, std::nullopt)) {
        return Result(with_path(std::move(*cached), path));
      }
    }
    return Unparsed{std::move(*text), id};
  }

  // Parses a fetched file and caches the result; safe on several threads.
  Result parse(const std::string& path, const Unparsed& file) {
    auto migration = read_django_migration(path, file.text, settings_);
    if (migration && cache_) {
      std::lock_guard<std::mutex> lock(cache_mutex_);
      cache_->add(file.id, file.text.size(), *migration);
    }
    return migration;
  }

  static tl::expected<DjangoMigration, Diagnostics> with_path(DjangoMigration migration,
                                                              const std::string& path) {
    migration.path = path;
    return migration;
  }

  const FileSource& source_;
  const SwappableSettings& settings_;
  std::optional<ParseCache> cache_;
  std::mutex cache_mutex_;
  std::vector<Result> results_;                              // of read_ahead, until all handed out
  std::unordered_map<std::string_view, std::size_t> ahead_;  // views of its paths -> results_
};

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

// The directories holding a `migrations/__init__.py` that the config selects, in path order.
std::vector<std::string> package_dirs(const std::vector<std::string>& paths, const Config& config) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    const bool top = path == kPackageMarker;
    if (!top && (path.size() <= kPackageMarker.size() ||
                 path.compare(path.size() - kPackageMarker.size(), kPackageMarker.size(),
                              kPackageMarker) != 0 ||
                 path[path.size() - kPackageMarker.size() - 1] != '/')) {
      continue;
    }
    std::string app_dir = top ? "" : path.substr(0, path.size() - kPackageMarker.size() - 1);
    if (selected(config, app_dir)) out.push_back(std::move(app_dir));
  }
  return out;
}

// The module name of `file`, a path below a `migrations/` directory, when it is one Django
// loads: `*.py` directly there, not starting with '_' or '~'; empty otherwise.
std::string_view module_name(std::string_view file) {
  if (file.find('/') != std::string_view::npos || file.size() < 4 ||
      file.substr(file.size() - 3) != ".py" || file[0] == '_' || file[0] == '~') {
    return {};
  }
  return file.substr(0, file.size() - 3);
}

// Where in `paths` the modules of the packages in `app_dirs` are that read_package will read.
std::vector<std::size_t> module_paths(const std::vector<std::string>& paths,
                                      const std::vector<std::string>& app_dirs) {
  std::vector<std::size_t> out;
  for (const std::string& app_dir : app_dirs) {
    const std::string dir = join_path(app_dir, "migrations/");
    auto it = std::lower_bound(paths.begin(), paths.end(), dir);
    for (; it != paths.end() && it->compare(0, dir.size(), dir) == 0; ++it) {
      std::string_view name = module_name(std::string_view(*it).substr(dir.size()));
      if (!name.empty() && name.find('.') == std::string_view::npos) {
        out.push_back(static_cast<std::size_t>(it - paths.begin()));
      }
    }
  }
  return out;
}

// Reads the migration modules of the package in `app_dir` (see module_name), appending those
// that read cleanly to `migrations`. The error is for a file that cannot be read.
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
    std::string_view name = module_name(std::string_view(*it).substr(dir.size()));
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

// The package's label: from the config, else its apps.py, else its directory. Fails when it
// cannot be told (the cause is in `diagnostics`) or the error when apps.py cannot be read.
tl::expected<bool, Diagnostic> find_label(const FileSource& source, const Config& config,
                                          MigrationPackage& package, Diagnostics& diagnostics) {
  const std::string apps_py = join_path(package.app_dir, "apps.py");
  // The project root itself is written "." in `labels:`.
  if (auto it = config.labels.find(package.app_dir.empty() ? "." : package.app_dir);
      it != config.labels.end()) {
    package.label = it->second;
    package.label_origin = "config";
    return true;
  }
  if (std::binary_search(source.paths().begin(), source.paths().end(), apps_py)) {
    auto text = source.read(apps_py);
    if (!text) return tl::make_unexpected(io_error(apps_py, text.error()));
    auto label = read_app_label(apps_py, *text);
    if (!label) {
      diagnostics.insert(diagnostics.end(), label.error().begin(), label.error().end());
      return false;
    }
    if (*label) {
      package.label = (*label)->label;
      package.label_origin = "apps.py";
      return true;
    }
  }
  if (package.app_dir.empty()) {
    Diagnostic d;
    d.path = "migrations";
    d.message = "a migrations package at the project root has no app directory to name it";
    d.hint = "name its app in .migline.yaml: `labels: {\".\": app_label}`";
    d.rule = "unlabelled-package";
    diagnostics.push_back(std::move(d));
    return false;
  }
  package.label = std::string(basename(package.app_dir));
  package.label_origin = "directory";
  return true;
}

// A label for the package in `dir` that says where it lives: tests/orders -> orders_tests.
std::string distinct_label(const std::string& label, const std::string& dir) {
  const std::size_t slash = dir.rfind('/');
  std::string where =
      slash == std::string::npos ? "2" : std::string(basename(dir.substr(0, slash)));
  for (char& c : where) {
    if (!is_plain_name(std::string_view(&c, 1))) c = '_';
  }
  return label + "_" + where;
}

Diagnostic duplicate_label(const std::string& label, const std::string& first,
                           const std::string& second) {
  const std::string shown_first = first.empty() ? "." : first;
  const std::string shown_second = second.empty() ? "." : second;
  Diagnostic d;
  d.path = join_path(second, "migrations");
  d.message =
      fmt::format("app label '{}' is used by both {}/ and {}/", label, shown_first, shown_second);
  d.hint = fmt::format(
      "if Django never installs {1}/ beside {0}/ (a copy for tests or another site), leave it "
      "out in .migline.yaml: `exclude: [\"{1}\"]`; if both are installed apps, give {1}/ its "
      "own label: `labels: {{{1}: {2}}}`",
      shown_first, shown_second, distinct_label(label, second));
  d.rule = "duplicate-label";
  return d;
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
  MigrationGraph::Unreadable unreadable;
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
  warn_unconfigured_settings(project, project.diagnostics);
  project.graph = MigrationGraph::build(project.migrations, apps, project.diagnostics, unreadable);
  add_source_lines(source, project.diagnostics.begin() + static_cast<std::ptrdiff_t>(before_graph),
                   project.diagnostics.end());
  project.unreadable = std::move(unreadable);
  sort_diagnostics(project.diagnostics);
  return project;
}

}  // namespace migline
