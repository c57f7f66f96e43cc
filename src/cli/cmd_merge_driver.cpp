#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "core/manifest/manifest.hpp"
#include "core/manifest/manifest_merge.hpp"
#include "core/text/repo_path.hpp"
#include "fs/atomic_write.hpp"
#include "fs/file_io.hpp"
#include "git/line_merge.hpp"
#include "project/auto_merge.hpp"

namespace migline::cli {
namespace {

struct MergeDriverOptions {
  std::string base;    // %O
  std::string ours;    // %A, also where the result goes
  std::string theirs;  // %B
  std::string path;    // %P, for messages
  int marker_size = 7;
  std::string ours_label;
  std::string theirs_label;
};

// The app directory of `app/migrations/max_migration.txt`, to name it in messages.
std::string_view app_of_max_migration(std::string_view path) {
  const std::string_view app_dir = path_dirname(path_dirname(path));
  return app_dir.empty() ? std::string_view(".") : path_basename(app_dir);
}

// Merges app by app when all three texts are manifests; otherwise merges lines as git would
// and reports a conflict unless the result is itself a valid manifest.
tl::expected<ManifestMerge, std::string> merge_texts(const MergeDriverOptions& options,
                                                     const std::string (&texts)[3],
                                                     const MergeLabels& labels,
                                                     OnConflict on_conflict) {
  const bool per_app = path_basename(options.path) == "max_migration.txt";
  std::optional<ManifestMerge> structured =
      per_app ? merge_max_migration(app_of_max_migration(options.path), texts[0], texts[1],
                                    texts[2], labels, on_conflict)
              : merge_manifest(path_basename(options.path), texts[0], texts[1], texts[2], labels,
                               on_conflict);
  if (structured) return std::move(*structured);
  auto merged = line_merge(texts[0], texts[1], texts[2], labels);
  if (!merged) return tl::make_unexpected(merged.error());
  const bool valid = per_app ? parse_max_migration(options.path, merged->text).has_value()
                             : parse_manifest(options.path, merged->text).has_value();
  ManifestMerge out{std::move(merged->text), {}};
  if (!merged->clean || !valid) out.conflicts.emplace_back();  // "": not one app's conflict
  return out;
}

// Reads only its three input files (and, to know whether to defer to the post-merge hook, the
// config and whether a rebase is in progress) and writes only %A: git is mid-merge, so the
// work tree, the index and refs are not ours to touch.
int run_merge_driver(const MergeDriverOptions& options, const GitEnvironment& environment) {
  const bool color = use_color("auto", stderr);
  std::string texts[3];
  const std::string* paths[3] = {&options.base, &options.ours, &options.theirs};
  for (int i = 0; i < 3; ++i) {
    auto text = read_file(*paths[i]);
    if (!text) {
      print_error(file_error(*paths[i], "cannot read: " + text.error()), color);
      return kExitError;
    }
    texts[i] = std::move(*text);
  }
  MergeLabels labels;
  labels.marker_size = options.marker_size;
  if (!options.ours_label.empty()) labels.ours = options.ours_label;
  if (!options.theirs_label.empty()) labels.theirs = options.theirs_label;
  auto merged = merge_texts(options, texts, labels, OnConflict::Hunk);
  // Only an app-by-app conflict asks whether the post-merge hook takes over. A config that
  // cannot be read or is invalid is said; the conflict then stays a conflict hunk.
  bool deferred = false;
  if (merged && !merged->conflicts.empty() && !merged->conflicts.front().empty()) {
    auto defers = driver_defers_to_post_merge(options.path, environment);
    if (!defers) print_error(defers.error(), color);
    deferred = defers.value_or(false);
  }
  if (deferred) merged = merge_texts(options, texts, labels, OnConflict::Union);
  if (!merged) {
    print_error(file_error(options.path, "cannot merge: " + merged.error()), color);
    return kExitError;
  }
  if (auto written = write_file_atomic(options.ours, merged->text); !written) {
    print_error(file_error(options.ours, "cannot write: " + written.error()), color);
    return kExitError;
  }
  if (merged->conflicts.empty()) return kExitOk;
  const bool by_app = !merged->conflicts.front().empty();
  std::vector<std::string> names;  // what people call the conflicted entries
  for (const std::string& key : merged->conflicts) names.push_back(manifest_key_name(key));
  if (deferred && by_app) {
    fmt::print(stderr,
               "migline: {}: both branches changed the migrations of {}; the post-merge hook "
               "linearizes them (resolve: auto)\n",
               options.path, fmt::join(names, ", "));
    return kExitOk;
  }
  fmt::print(stderr, "migline: {}: {}; run `migline resolve` to fix the migrations and this file\n",
             options.path,
             by_app
                 ? fmt::format("both branches changed the migrations of {}", fmt::join(names, ", "))
                 : std::string("cannot merge this file app by app (it is not a valid "
                               "manifest on every side); merged it line by line"));
  return kExitFindings;
}

}  // namespace

void add_merge_driver_command(CLI::App& app, const GlobalOptions& global,
                              std::vector<Command>& out) {
  auto options = std::make_shared<MergeDriverOptions>();
  CLI::App* sub = app.add_subcommand(
      "merge-driver", "The git merge driver for the manifest (configured by `migline init`)");
  sub->add_option("BASE", options->base, "%O: the common ancestor's version")->required();
  sub->add_option("OURS", options->ours, "%A: our version; receives the result")->required();
  sub->add_option("THEIRS", options->theirs, "%B: their version")->required();
  sub->add_option("PATH", options->path, "%P: the path being merged")->required();
  sub->add_option("-l", options->marker_size, "%L: conflict marker size")
      ->check(CLI::Range(7, 100));
  sub->add_option("-x", options->ours_label, "%X: label of our side");
  sub->add_option("-y", options->theirs_label, "%Y: label of their side");
  out.push_back(Command{
      sub, [options, &global] { return run_merge_driver(*options, global.git_environment); }});
}

}  // namespace migline::cli
