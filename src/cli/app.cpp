#include "cli/app.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "project/write_journal.hpp"

namespace migline::cli {

void add_source_options(CLI::App& sub, SourceOptions& options) {
  auto* staged =
      sub.add_flag("--staged", options.staged, "Read the index instead of the work tree");
  sub.add_option("--rev", options.rev, "Read the tree of a revision instead of the work tree")
      ->type_name("REV")
      ->excludes(staged);
}

Loaded::~Loaded() {
  if (project.migrations.empty()) return;  // moved from, or nothing worth keeping
  struct Kept {
    std::unique_ptr<FileSource> source;
    Project project;
  };
  static auto* kept = new std::vector<Kept>();  // never freed: see the declaration
  kept->push_back(Kept{std::move(source), std::move(project)});
}

tl::expected<Loaded, Diagnostic> load_any_project(const GlobalOptions& global,
                                                  const SourceOptions& source) {
  auto context = Context::open(global);
  if (!context) return tl::make_unexpected(context.error());
  auto files = context->open_source(source);
  if (!files) return tl::make_unexpected(files.error());
  auto project = load_project(**files);
  if (!project) return tl::make_unexpected(project.error());
  return Loaded{std::move(*context), std::move(*files), std::move(*project)};
}

tl::expected<Loaded, int> load_clean_project(const GlobalOptions& global,
                                             const SourceOptions& source) {
  auto loaded = load_any_project(global, source);
  if (!loaded) {
    print_error(loaded.error(), use_color(global.color, stderr));
    return tl::make_unexpected(kExitError);
  }
  print_diagnostics(loaded->project.diagnostics, loaded->context.color_stderr());
  if (has_errors(loaded->project.diagnostics)) return tl::make_unexpected(kExitFindings);
  return std::move(*loaded);
}

namespace {

// A write journal left by a killed `resolve` (or hook) means the work tree is half written:
// whatever a command would say about it would mislead. Every command but `resolve` (which
// finishes or undoes it) and the merge driver (which reads only its three files) stops here;
// `update` (but not `update --check`, which writes nothing) undoes an interrupted manifest
// update itself, since it rewrites that file anyway.
int gate_interrupted_write(const GlobalOptions& global, const std::string& command) {
  if (command == "resolve" || command == "merge-driver") return kExitOk;
  auto context = Context::open(global);
  if (!context || !context->repo()) return kExitOk;  // the command reports it
  const bool color = context->color_stderr();
  auto journal = read_journal(*context->repo());
  if (!journal) {
    print_error(file_error("", journal.error(), "remove it if no migline is running"), color);
    return kExitError;
  }
  if (!*journal) return kExitOk;
  const bool writes =
      std::find(global.args.begin(), global.args.end(), "--check") == global.args.end();
  if (command == "update" && writes && (*journal)->operation == "update") {
    if (auto undone = undo_journal(*context->repo(), **journal); !undone) {
      print_error(undone.error(), color);
      return kExitError;
    }
    print_err("migline: undid an interrupted manifest update\n");
    return kExitOk;
  }
  print_error(file_error("", interrupted_message(**journal)), color);
  return kExitError;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"migline keeps Django migration history linear in git.", "migline"};
  app.set_version_flag("--version", "migline " MIGLINE_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions global;
  app.add_option("-C", global.directory, "Run as if migline was started in DIR")->type_name("DIR");
  app.add_option("--color", global.color, "Colour output: auto, always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");

  std::vector<Command> commands;
  add_init_command(app, global, commands);
  add_leaves_command(app, global, commands);
  add_graph_command(app, global, commands);
  add_update_command(app, global, commands);
  add_check_command(app, global, commands);
  add_resolve_command(app, global, commands);
  add_merge_driver_command(app, global, commands);
  add_doctor_command(app, global, commands);
  add_hook_command(app, global, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "migline: error: {}\nRun `migline --help` for usage.\n", e.what());
    return kExitError;
  }
  std::error_code ec;
  global.git_environment = GitEnvironment::from_process();
  if (!global.directory.empty()) {
    global.directory_path = std::filesystem::absolute(global.directory, ec).string();
  }
  global.args.assign(argv + 1, argv + argc);
  for (const Command& command : commands) {
    if (!command.app->parsed()) continue;
    if (int gate = gate_interrupted_write(global, command.app->get_name()); gate != kExitOk) {
      return gate;
    }
    return command.run();
  }
  return kExitError;
}

}  // namespace migline::cli
