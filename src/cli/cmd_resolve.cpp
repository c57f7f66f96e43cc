#include <ctime>
#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "git/unified_diff.hpp"
#include "project/resolve.hpp"
#include "project/write_journal.hpp"

namespace migline::cli {
namespace {

struct ResolveCommandOptions {
  ResolveOptions resolve;
  bool dry_run = false;
  bool abort = false;
};

std::string now(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  char buffer[32];
  return std::strftime(buffer, sizeof buffer, format, &local) > 0 ? buffer : "";
}

// What to run next, so that the user never has to guess.
std::string next_step(const GitRepository& repo) {
  auto operation = repo.operation();
  if (!operation) return "git commit";
  switch (operation->kind) {
    case GitOperation::Rebase:
      return "git rebase --continue";
    case GitOperation::CherryPick:
      return "git cherry-pick --continue";
    default:
      return "git commit";
  }
}

// A unified diff of every file, old content against new (the report lists the renames).
void print_plan(const Resolution& resolution) {
  std::map<std::string, std::string> renamed_from;
  for (const auto& [from, to] : resolution.renames) renamed_from[to] = from;
  for (const FileChange& change : resolution.changes) {
    if (!change.content) continue;
    auto from = renamed_from.find(change.path);
    auto before = resolution.before.find(from == renamed_from.end() ? change.path : from->second);
    fmt::print("{}", unified_diff(change.path,
                                  before == resolution.before.end()
                                      ? std::nullopt
                                      : std::optional<std::string>(before->second),
                                  *change.content));
  }
}

// Finishes (or with --abort undoes) the write a killed resolve or hook left in its journal.
int recover(const GitRepository& repo, const WriteJournal& journal,
            const ResolveCommandOptions& options, bool color) {
  const char* what = journal.operation == "update"    ? "manifest update"
                     : journal.operation == "rewrite" ? "linearization of the merge commit"
                                                      : "resolve";
  if (options.dry_run) {
    fmt::print("interrupted {}: {} file{} to {}\n", what, journal.files.size(),
               journal.files.size() == 1 ? "" : "s", options.abort ? "restore" : "finish");
    return kExitOk;
  }
  auto done = options.abort ? undo_journal(repo, journal) : finish_journal(repo, journal);
  if (!done) {
    print_error(done.error(), color);
    return kExitError;
  }
  if (options.abort) {
    fmt::print(stderr,
               "migline: undid the interrupted {}: every file and the index are as "
               "before it{}\n",
               what, journal.ref_move ? ", and HEAD is the merge commit git made" : "");
  } else {
    // A rewrite's commit is made already: the work tree and index now match it.
    const std::string next =
        journal.ref_move ? "nothing, HEAD is the linearized merge commit" : next_step(repo);
    fmt::print(stderr, "migline: finished the interrupted {}; next: {}\n", what, next);
  }
  return kExitOk;
}

int run_resolve(const GlobalOptions& global, ResolveCommandOptions options) {
  auto context = Context::open(global);
  if (!context) {
    print_error(context.error(), use_color(global.color, stderr));
    return kExitError;
  }
  const bool color = context->color_stderr();
  if (!context->repo()) {
    print_error(file_error("", "not in a git repository", "resolve works on git's index"), color);
    return kExitError;
  }
  auto journal = read_journal(*context->repo());
  if (!journal) {
    print_error(file_error("", journal.error(), "remove it if no migline is running"), color);
    return kExitError;
  }
  if (*journal) return recover(*context->repo(), **journal, options, color);
  if (options.abort) {
    fmt::print(stderr, "migline: nothing to undo: no resolve was interrupted\n");
    return kExitOk;
  }
  stamp_resolve_options(options.resolve);
  auto plan = plan_resolution(context->repo(), context->prefix(), options.resolve);
  if (!plan) {
    // In the planner's order: the causes first, then what they stopped.
    for (const Diagnostic& d : plan.error().diagnostics) print_error(d, color);
    return plan.error().kind == ResolveFailure::Refused ? kExitFindings : kExitError;
  }
  for (const std::string& line : plan->report) fmt::print("{}\n", line);
  std::fflush(stdout);  // the plan before the warnings about it
  print_diagnostics(plan->warnings, color);
  if (plan->changes.empty()) {
    fmt::print(stderr, "migline: nothing to resolve\n");
    return kExitOk;
  }
  if (options.dry_run) {
    print_plan(*plan);
    return kExitOk;
  }
  if (auto applied = apply_resolution(*context->repo(), *plan); !applied) {
    print_error(applied.error(), color);
    return kExitError;
  }
  fmt::print(stderr, "migline: resolved and staged; next: {}\n", next_step(*context->repo()));
  return kExitOk;
}

}  // namespace

void stamp_resolve_options(ResolveOptions& options) {
  options.timestamp = now("%Y%m%d_%H%M");
  options.create_date = now("%Y-%m-%d %H:%M:%S");
  options.header = "# Generated by migline " MIGLINE_VERSION " on " + now("%Y-%m-%d %H:%M");
}

void add_resolve_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  auto options = std::make_shared<ResolveCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "resolve", "Fix divergent migrations: linearize them or write a merge migration");
  sub->add_option("--strategy", options->resolve.strategy,
                  "linearize (default; renumber one side after the other) or merge")
      ->check(CLI::IsMember({"linearize", "merge"}));
  sub->add_option("--move", options->resolve.move,
                  "Which side's migrations move: ours or theirs (default: the unpublished one, "
                  "else the incoming one)")
      ->check(CLI::IsMember({"ours", "theirs"}));
  sub->add_flag("--dry-run", options->dry_run, "Print the renames and a diff; change nothing");
  sub->add_flag("--abort", options->abort,
                "Undo a resolve that was interrupted (killed, power cut): put every file and "
                "the index back as they were before it");
  out.push_back(Command{sub, [&global, options] { return run_resolve(global, *options); }});
}

}  // namespace migline::cli
