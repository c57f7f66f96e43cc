#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/context.hpp"
#include "project/resolve.hpp"

namespace migline::cli {

// Exit statuses shared by every command.
enum ExitCode : int { kExitOk = 0, kExitFindings = 1, kExitError = 2 };

// A subcommand and what runs when it was the one given.
struct Command {
  CLI::App* app;
  std::function<int()> run;
};

// Adds `--staged` and `--rev REV` to `sub`.
void add_source_options(CLI::App& sub, SourceOptions& options);

// A project loaded for a command, with where it came from.
struct Loaded {
  Context context;
  std::unique_ptr<FileSource> source;
  Project project;

  Loaded(Context c, std::unique_ptr<FileSource> s, Project p)
      : context(std::move(c)), source(std::move(s)), project(std::move(p)) {}
  Loaded(Loaded&&) = default;
  Loaded& operator=(Loaded&&) = default;
  // Keeps the project and its source, still reachable, for the process's exit to reclaim:
  // freeing 100,000 migrations one allocation at a time costs a tenth of a run, just before
  // the process ends anyway. A command runs once per process.
  ~Loaded();
};

// Opens the context and loads the project, whatever its findings. Fails with what stopped the
// load (exit status 2).
tl::expected<Loaded, Diagnostic> load_any_project(const GlobalOptions& global,
                                                  const SourceOptions& source);

// Opens the context and loads the project, printing every finding to stderr. Fails with the
// exit status when the load failed (2) or any finding is an error (1).
tl::expected<Loaded, int> load_clean_project(const GlobalOptions& global,
                                             const SourceOptions& source);

// Runs `command`, which must write nothing, or prints the answer it gave before when nothing
// it reads has changed since (see AnswerCache): the files of `source`, and `revs`, further
// revisions it reads. Only answers with exit status 0 or 1 are kept.
int run_answer_cached(const GlobalOptions& global, const SourceOptions& source,
                      const std::vector<std::string>& revs, const std::function<int()>& command);

// Sets the timestamp and the merge-migration header of `options` to now.
void stamp_resolve_options(ResolveOptions& options);

// Each adds one subcommand to `app`.
void add_leaves_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
void add_graph_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
void add_update_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
void add_check_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
void add_plan_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
void add_init_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
void add_doctor_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
void add_resolve_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
// `hook NAME ARGS...` and `switch-check OLD NEW`.
void add_hook_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out);
void add_merge_driver_command(CLI::App& app, const GlobalOptions& global,
                              std::vector<Command>& out);

}  // namespace migline::cli
