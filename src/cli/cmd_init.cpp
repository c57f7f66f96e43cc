#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/setup.hpp"

namespace migline::cli {
namespace {

struct InitOptions {
  bool print_only = false;
  bool uninstall = false;
};

int run_init(const GlobalOptions& global, const InitOptions& options) {
  const bool print_only = options.print_only;
  auto loaded = load_clean_project(global, SourceOptions{});
  if (!loaded) return loaded.error();
  const bool color = loaded->context.color_stderr();
  auto items = options.uninstall ? inspect_uninstall(loaded->context, loaded->project)
                                 : inspect_setup(loaded->context, loaded->project);
  if (!items) {
    print_error(file_error("", items.error(), "run `git init` first, or cd into a clone"), color);
    return kExitError;
  }
  int changes = 0;
  for (const SetupItem& item : *items) {
    if (item.ok) continue;
    ++changes;
    if (print_only) {
      fmt::print("would {}\n", item.change);
      continue;
    }
    if (auto applied = item.apply(); !applied) {
      print_error(file_error(item.name, applied.error()), color);
      return kExitError;
    }
    fmt::print("did {}\n", item.change);
  }
  if (changes == 0) {
    fmt::print(options.uninstall ? "migline is not set up in this clone; nothing to do\n"
                                 : "migline is set up in this clone; nothing to do\n");
  }
  return kExitOk;
}

}  // namespace

void add_init_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  auto options = std::make_shared<InitOptions>();
  CLI::App* sub = app.add_subcommand(
      "init", "Set up this clone: merge driver, .gitattributes, git hooks, manifest");
  sub->add_flag("--print", options->print_only, "Show the changes without making them");
  sub->add_flag("--uninstall", options->uninstall,
                "Undo what init did (earlier hooks are put back); the committed manifest stays");
  out.push_back(Command{sub, [&global, options] { return run_init(global, *options); }});
}

}  // namespace migline::cli
