#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "git/unified_diff.hpp"
#include "project/journal_plan.hpp"
#include "project/manifest_files.hpp"
#include "project/safety_check.hpp"
#include "project/write_journal.hpp"

namespace migline::cli {
namespace {

struct UpdateOptions {
  SourceOptions source;
  bool check = false;
};

// Apps whose leaves diverge, as "label (a, b)", and Alembic histories with two heads on one
// branch, as "alembic LOCATION (a, b)": separately labelled branches are not divergence.
std::vector<std::string> divergent_apps(const Project& project) {
  std::vector<std::string> out;
  for (const auto& [app, names] : leaf_map(project)) {
    if (is_alembic_manifest_key(app)) continue;
    if (names.size() > 1) out.push_back(fmt::format("{} ({})", app, fmt::join(names, ", ")));
  }
  for (const AlembicHistory& h : project.alembic) {
    for (const std::vector<int>& group : h.divergent_groups()) {
      std::vector<std::string> ids;
      for (int g : group) {
        ids.push_back(
            h.revisions[static_cast<std::size_t>(h.heads[static_cast<std::size_t>(g)])].revision);
      }
      out.push_back(fmt::format("alembic {} ({})", h.location, fmt::join(ids, ", ")));
    }
  }
  return out;
}

// The pre-commit hook's safety warnings: migrations new in the index relative to
// HEAD, judged by the safety rules and printed as warnings; they never stop the commit.
void warn_unsafe_staged(const Loaded& loaded, bool color) {
  if (!loaded.project.config.safety_hook) return;
  auto head = loaded.context.open_source(SourceOptions{false, "HEAD"});
  // No HEAD yet: every migration is new.
  Diagnostics findings = check_safety(loaded.project, *loaded.source, head ? head->get() : nullptr);
  if (findings.empty()) return;
  sort_diagnostics(findings);
  for (Diagnostic& d : findings) {
    if (d.severity == Severity::Error) d.severity = Severity::Warning;
    print_err(format_diagnostic(d, color));
  }
  print_err(fmt::format(
      "migline: {} safety finding{} in the staged migrations; the commit goes on, `migline check "
      "--base` fails on the errors (silence the hook with `safety: {{hook: off}}`)\n",
      findings.size(), findings.size() == 1 ? "" : "s"));
}

int run_update(const GlobalOptions& global, const UpdateOptions& options) {
  auto loaded = load_clean_project(global, options.source);
  if (!loaded) return loaded.error();
  const Context& context = loaded->context;
  const bool color = context.color_stderr();

  if (options.source.staged && !options.check) {
    const std::vector<std::string> divergent = divergent_apps(loaded->project);
    if (!divergent.empty()) {
      Diagnostic d;
      d.message = fmt::format("the staged migrations have several leaves in an app: {}",
                              fmt::join(divergent, "; "));
      d.hint = "run `migline resolve` to linearize them, then commit again";
      print_error(d, color);
      return kExitFindings;
    }
    warn_unsafe_staged(*loaded, color);
  }

  const std::vector<ManifestFile> expected = expected_manifests(loaded->project);
  // Reads `file` as the source has it: the index with --staged, else the work tree.
  auto current_of = [&](const ManifestFile& file) {
    auto current = loaded->source->read_extra(file.path);
    if (!current) print_error(file_error(file.path, "cannot read: " + current.error()), color);
    return current;
  };

  if (options.check) {
    int stale = 0;
    for (const ManifestFile& file : expected) {
      auto current = current_of(file);
      if (!current) return kExitError;
      if (*current == file.content) continue;
      ++stale;
      print_out(unified_diff(file.path, *current, file.content));
    }
    if (stale == 0) return kExitOk;
    Diagnostic d;
    d.message = fmt::format("{} manifest file{} stale", stale, stale == 1 ? " is" : "s are");
    d.hint = "run `migline update` and commit the result";
    print_error(d, color);
    return kExitFindings;
  }

  // The work tree file always follows; the index only with --staged.
  const std::vector<ManifestFile> stale = stale_on_disk(context.root(), expected);
  if (!options.source.staged) {
    if (auto written = write_manifests(context.root(), stale); !written) {
      print_error(written.error(), color);
      return kExitError;
    }
    for (const ManifestFile& file : stale) {
      print_err(fmt::format("migline: updated {}\n", file.path));
    }
    return kExitOk;
  }
  // Work tree and index change together, through a journal: a hook killed midway leaves a
  // record the next `update` undoes instead of a manifest staged in one place only.
  std::vector<FileChange> changes;
  for (const ManifestFile& file : expected) {
    auto current = current_of(file);
    if (!current) return kExitError;
    const bool on_disk_stale =
        std::any_of(stale.begin(), stale.end(), [&](const auto& s) { return s.path == file.path; });
    if (*current == file.content && !on_disk_stale) continue;
    changes.push_back(FileChange{context.repo_path(file.path), file.content});
  }
  if (changes.empty()) return kExitOk;
  auto journal = plan_journal(*context.repo(), "update", changes, {});
  if (!journal) {
    print_error(journal.error(), color);
    return kExitError;
  }
  if (auto written = run_journaled(*context.repo(), *journal); !written) {
    print_error(written.error(), color);
    return kExitError;
  }
  for (const ManifestFile& file : stale) print_err(fmt::format("migline: updated {}\n", file.path));
  return kExitOk;
}

}  // namespace

void add_update_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  auto options = std::make_shared<UpdateOptions>();
  CLI::App* sub = app.add_subcommand(
      "update", "Regenerate the manifest (from the index and stage it with --staged)");
  sub->add_flag("--staged", options->source.staged,
                "Read the index (GIT_INDEX_FILE when set) and stage the manifest");
  sub->add_flag("--check", options->check,
                "Write nothing; print a diff and exit 1 when the manifest is stale");
  out.push_back(Command{sub, [&global, options] {
                          if (!options->check) return run_update(global, *options);
                          return run_answer_cached(global, options->source, {},
                                                   [&] { return run_update(global, *options); });
                        }});
}

}  // namespace migline::cli
