#include "project/app_labels.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/django/app_config.hpp"
#include "core/plan/migration_name.hpp"
#include "core/text/repo_path.hpp"
#include "project/migration_reader.hpp"

namespace migline {
namespace {

// A label for the package in `dir` that says where it lives: tests/orders -> orders_tests.
std::string distinct_label(const std::string& label, const std::string& dir) {
  std::string where =
      dir.find('/') == std::string::npos ? "2" : std::string(path_basename(path_dirname(dir)));
  for (char& c : where) {
    if (!is_plain_name(std::string_view(&c, 1))) c = '_';
  }
  return label + "_" + where;
}

}  // namespace

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
  package.label = std::string(path_basename(package.app_dir));
  package.label_origin = "directory";
  return true;
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

}  // namespace migline
