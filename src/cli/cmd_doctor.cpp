
#include <string>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/plural.hpp"
#include "cli/setup.hpp"
#include "fs/command_output.hpp"

namespace migline::cli {
namespace {

// `--version` of the migline at `binary`, as the hooks and the driver will run it. Doctor may
// spawn a process; no hot path does.
std::string installed_version(const std::string& binary) {
  if (binary.empty()) return {};
  return command_output(shell_quote(binary) + " --version 2>/dev/null");
}

// The facts .migline.yaml states for the files (`replaces:`, `conditions:`); returns how many
// need fixing: an entry for a migration that is gone or no longer computes its `replaces`.
int print_stated_facts(const Project& project) {
  int problems = 0;
  for (const auto& [key, entries] : project.config.replaces) {
    const DjangoMigration* found = nullptr;
    for (const DjangoMigration& m : project.migrations) {
      if (key == m.app + "." + m.name) {
        found = &m;
        break;
      }
    }
    if (found == nullptr || found->computed_replaces.length == 0) {
      ++problems;
      fmt::print("FIX  replaces: .migline.yaml states what {} replaces, but {}\n", key,
                 found == nullptr ? "no such migration exists"
                                  : "its file writes `replaces` as a literal");
      fmt::print("     fix: remove `{}` from `replaces:` in .migline.yaml\n", key);
      continue;
    }
    fmt::print(
        "ok   replaces: {} replaces {}, as .migline.yaml states ({} computes it at import)\n", key,
        entries.empty() ? std::string("none of the files present")
                        : count_of(entries.size(), "migration"),
        found->path);
  }
  for (const auto& [condition, value] : project.config.conditions) {
    fmt::print("ok   condition: `{}` is {}, as .migline.yaml states\n", condition,
               value ? "true" : "false");
  }
  return problems;
}

int run_doctor(const GlobalOptions& global) {
  // The set-up is worth reporting also when the project has errors.
  auto loaded = load_any_project(global, SourceOptions{});
  if (!loaded) {
    print_error(loaded.error(), use_color(global.color, stderr));
    return kExitError;
  }
  print_diagnostics(loaded->project.diagnostics, loaded->context.color_stderr());
  for (const SkippedPackage& skipped : loaded->project.skipped) {
    fmt::print("skip {}/: {}\n", skipped.path, skipped.reason);
  }
  int problems = print_stated_facts(loaded->project);
  auto items = inspect_setup(loaded->context, loaded->project);
  if (!items) {
    print_error(file_error("", items.error()), loaded->context.color_stderr());
    return kExitError;
  }
  for (const SetupItem& item : *items) {
    fmt::print("{} {}: {}\n", item.ok ? "ok  " : "FIX ", item.name, item.state);
    if (!item.ok) {
      ++problems;
      fmt::print("     fix: {} (`migline init` does it)\n", item.change);
    }
  }
  const std::string ours = "migline " MIGLINE_VERSION;
  auto hooks_dir = loaded->context.repo()->hooks_dir();
  const HookBinary binary = hook_binary(hooks_dir ? *hooks_dir : std::string());
  const std::string installed = installed_version(binary.path);
  if (installed == ours) {
    fmt::print(
        "ok   binary: the hooks and the merge driver run {} ({}, from {}), the one running\n",
        binary.path, installed, binary.source);
  } else {
    ++problems;
    if (binary.path.empty()) {
      fmt::print(
          "FIX  binary: the hooks and the merge driver run nothing (migline is not on PATH), "
          "this is {}\n",
          ours);
    } else {
      fmt::print("FIX  binary: the hooks and the merge driver run {} ({}, from {}), this is {}\n",
                 binary.path, installed.empty() ? "it does not run" : installed, binary.source,
                 ours);
    }
    fmt::print("     fix: install this version with ./install.sh, or run `migline init` with it\n");
  }
  if (has_errors(loaded->project.diagnostics)) {
    ++problems;
    fmt::print("FIX  project: its migrations have errors (above); `migline check` lists them\n");
  }
  return problems == 0 ? kExitOk : kExitFindings;
}

}  // namespace

void add_doctor_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  CLI::App* sub =
      app.add_subcommand("doctor", "Say what of the set-up is missing or stale, and the fix");
  out.push_back(Command{sub, [&global] { return run_doctor(global); }});
}

}  // namespace migline::cli
