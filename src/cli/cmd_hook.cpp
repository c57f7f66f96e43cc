#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/plural.hpp"
#include "core/manifest/manifest.hpp"
#include "fs/file_io.hpp"
#include "project/auto_merge.hpp"
#include "project/config.hpp"
#include "project/switch_check.hpp"

namespace migline::cli {
namespace {

struct HookOptions {
  std::string name;               // post-merge, post-checkout or post-rewrite
  std::vector<std::string> args;  // as git passed them to the hook
};

// A project where migline is set up: a repository, a valid config, and the manifest in the
// work tree (per-app layout: the config says so). Otherwise the hooks do nothing: a shared
// core.hooksPath may run them in repositories that do not use migline.
struct HookProject {
  Context context;
  Config config;
};

// A repository or config that exists but cannot be read is said, with its cause: the hook
// then does nothing, and its user must know that it did not.
std::optional<HookProject> set_up_project(const GlobalOptions& global) {
  auto context = Context::open(global);
  if (!context) {
    Diagnostic d = context.error();
    d.hint = kHookDidNothing;
    print_error(d, use_color(global.color, stderr));
    return std::nullopt;
  }
  if (!context->repo()) return std::nullopt;
  auto read =
      read_config_file(context->root() + "/" + std::string(kConfigFileName), kConfigFileName);
  if (!read) {
    // An invalid config: `migline check` reports it; a hook stays quiet.
    if (read.error().kind == ConfigFileError::Invalid) return std::nullopt;
    Diagnostic d = std::move(read.error().diagnostic);
    d.hint = kHookDidNothing;
    print_error(d, context->color_stderr());
    return std::nullopt;
  }
  Config config = read->value_or(Config{});
  if (config.manifest_layout == ManifestLayout::Single &&
      !is_regular_file(context->root() + "/" + config.manifest_path)) {
    return std::nullopt;
  }
  return HookProject{std::move(*context), std::move(config)};
}

void print_arrivals(const HookProject& project, const std::string& from, const std::string& to) {
  auto arrived = arrivals_between(project.context.repo(), project.context.prefix(), from, to);
  if (!arrived || arrived->empty()) return;
  std::string django, alembic;
  for (const auto& [app, names] : *arrived) {
    (is_alembic_manifest_key(app) ? alembic : django) +=
        fmt::format("  {}: {}\n", manifest_key_name(app), fmt::join(names, ", "));
  }
  if (!django.empty()) {
    print_err("migline: new migrations arrived; `python manage.py migrate` applies them:\n" +
              django);
  }
  if (!alembic.empty()) {
    print_err("migline: new revisions arrived; `alembic upgrade heads` applies them:\n" + alembic);
  }
}

void print_rollbacks(const SwitchRollbacks& rollbacks) {
  if (rollbacks.apps.empty() && rollbacks.alembic.empty()) return;
  std::string text =
      "migline: this checkout leaves behind migrations your database may have applied:\n";
  for (const AppRollback& r : rollbacks.apps) {
    text += fmt::format("  {}: {}\n", r.app, fmt::join(r.removed, ", "));
  }
  for (const AlembicRollback& r : rollbacks.alembic) {
    text += fmt::format("  alembic history {}: {}\n", r.location, fmt::join(r.removed, ", "));
  }
  text += "migline: to roll them back, run on the branch that has them:\n";
  for (const AppRollback& r : rollbacks.apps) {
    text += fmt::format("  git checkout - && python manage.py migrate {} {} && git checkout -\n",
                        r.app, r.target);
  }
  for (const AlembicRollback& r : rollbacks.alembic) {
    for (const std::string& target : r.targets) {
      text += fmt::format("  git checkout - && alembic downgrade {} && git checkout -\n", target);
    }
  }
  print_err(text);
}

// After a rebase: the Alembic revisions it re-parented (or dropped), which a database that
// applied them must undo on the old commit first (Alembic stores only heads).
void print_reparented(const HookProject& project) {
  auto rollbacks =
      rollbacks_between(project.context.repo(), project.context.prefix(), "ORIG_HEAD", "HEAD");
  if (!rollbacks || rollbacks->alembic.empty()) return;
  std::string text =
      "migline: the rebase moved revisions a database may have applied (alembic_version "
      "stores only heads, so it would skip the revisions now before them):\n";
  for (const AlembicRollback& r : rollbacks->alembic) {
    text += fmt::format("  alembic history {}: {}\n", r.location, fmt::join(r.removed, ", "));
  }
  text += "migline: on such a database, first run:\n";
  for (const AlembicRollback& r : rollbacks->alembic) {
    for (const std::string& target : r.targets) {
      text += fmt::format("  git checkout ORIG_HEAD && alembic downgrade {} && git checkout -\n",
                          target);
    }
  }
  print_err(text);
}

bool is_null_commit(const std::string& id) {
  return id.empty() || id.find_first_not_of('0') == std::string::npos;
}

// A merge git committed cleanly can still name a migration one side renamed or deleted.
void print_dangling(const HookProject& project) {
  auto dangling = dangling_after_merge(project.context.repo(), project.context.prefix());
  if (!dangling || dangling->empty()) return;
  print_err(fmt::format("migline: this merge left {} to migrations that no longer exist:\n",
                        count_of(dangling->size(), "reference")));
  print_diagnostics(*dangling, project.context.color_stderr());
  print_err(
      "migline: `migline resolve` re-points them (to the renamed migration, or to the leaf of "
      "the side that deleted it); then `git commit --amend --no-edit`\n");
}

void post_merge(const HookProject& project, const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "1") return;  // --squash: nothing is committed yet
  const bool color = project.context.color_stderr();
  if (project.config.resolve_auto) {
    ResolveOptions options;
    stamp_resolve_options(options);
    auto rewrite = rewrite_merge_commit(project.context.repo(), project.context.prefix(), options);
    if (!rewrite) {
      print_error(rewrite.error(), color);
    } else if (rewrite->kind == MergeRewrite::Refused) {
      print_diagnostics(rewrite->diagnostics, color);
      print_err(
          "migline: the merge commit was left as it is; `migline check` fails on it until "
          "you fix it as said above\n");
    } else if (rewrite->kind == MergeRewrite::Rewritten) {
      std::string text = "migline: linearized the migrations of this merge (resolve: auto):\n";
      for (const std::string& line : rewrite->report) text += "  " + line + "\n";
      text += fmt::format("migline: replaced merge commit {} by {}\n",
                          rewrite->old_commit.substr(0, 12), rewrite->new_commit.substr(0, 12));
      print_err(text);
      print_diagnostics(rewrite->diagnostics, color);
    }
  }
  print_dangling(project);
  print_arrivals(project, "ORIG_HEAD", "HEAD");
}

void post_checkout(const HookProject& project, const std::vector<std::string>& args) {
  // A file checkout (flag 0), a new branch on the same commit, or a fresh clone: nothing left.
  if (args.size() < 3 || args[2] != "1" || args[0] == args[1] || is_null_commit(args[0])) return;
  // A rebase checks out its base first; what it takes away comes back as it replays.
  auto operation = project.context.repo()->operation();
  if (operation && operation->kind == GitOperation::Rebase) return;
  auto rollbacks =
      rollbacks_between(project.context.repo(), project.context.prefix(), args[0], args[1]);
  if (rollbacks) print_rollbacks(*rollbacks);
}

// Hooks report and never fail: git has already done what it was asked.
int run_hook(const GlobalOptions& global, const HookOptions& options) {
  auto project = set_up_project(global);
  if (!project) return kExitOk;
  if (options.name == "post-merge") {
    post_merge(*project, options.args);
  } else if (options.name == "post-checkout") {
    post_checkout(*project, options.args);
  } else if (options.name == "post-rewrite") {
    if (!options.args.empty() && options.args[0] == "rebase") {
      print_arrivals(*project, "ORIG_HEAD", "HEAD");
      print_reparented(*project);
    }
  }
  return kExitOk;
}

int run_switch_check(const GlobalOptions& global, const std::string& from, const std::string& to) {
  auto context = Context::open(global);
  if (!context) {
    print_error(context.error(), use_color(global.color, stderr));
    return kExitError;
  }
  if (!context->repo()) {
    print_error(file_error("", "not in a git repository"), context->color_stderr());
    return kExitError;
  }
  auto rollbacks = rollbacks_between(context->repo(), context->prefix(), from, to);
  if (!rollbacks) {
    print_error(file_error("", rollbacks.error()), context->color_stderr());
    return kExitError;
  }
  print_rollbacks(*rollbacks);
  return kExitOk;
}

}  // namespace

void add_hook_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  auto options = std::make_shared<HookOptions>();
  CLI::App* sub = app.add_subcommand(
      "hook", "Run a git hook's part (post-merge, post-checkout, post-rewrite; see `init`)");
  sub->add_option("NAME", options->name, "The hook git is running")
      ->required()
      ->check(CLI::IsMember({"post-merge", "post-checkout", "post-rewrite"}));
  sub->add_option("ARGS", options->args, "The hook's arguments, as git passed them");
  out.push_back(Command{sub, [&global, options] { return run_hook(global, *options); }});

  auto revs = std::make_shared<std::pair<std::string, std::string>>();
  CLI::App* check = app.add_subcommand(
      "switch-check",
      "Name the migrations that moving from OLD to NEW leaves behind, and how to roll them back");
  check->add_option("OLD", revs->first, "The commit the database follows now")->required();
  check->add_option("NEW", revs->second, "The commit being switched to")->required();
  out.push_back(Command{
      check, [&global, revs] { return run_switch_check(global, revs->first, revs->second); }});
}

}  // namespace migline::cli
