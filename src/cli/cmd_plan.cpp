#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/json_writer.hpp"
#include "cli/output.hpp"
#include "project/deploy_plan.hpp"

namespace migline::cli {
namespace {

struct PlanOptions {
  SourceOptions source;
  std::string base;
  std::string format = "text";
};

const char* stage_text(const PlannedMigration& m) {
  if (m.verdict.either) return "either side";
  return m.verdict.stage == DeployStage::PostDeploy ? "post-deploy" : "pre-deploy";
}

const char* origin_text(StageOrigin origin) {
  switch (origin) {
    case StageOrigin::Mark:
      return "mark";
    case StageOrigin::Inference:
      return "inference";
    case StageOrigin::Default:
      break;
  }
  return "default";
}

std::string json_or_null(const std::string& text) {
  return text.empty() ? std::string("null") : json_quote(text);
}

std::string render_json(const DeployPlan& plan, const std::string& base) {
  std::string out =
      fmt::format("{{\"base\": {}, \"stages\": {}, \"migrations\": [", json_quote(base),
                  json_quote(deploy_convention_name(plan.convention)));
  for (std::size_t i = 0; i < plan.migrations.size(); ++i) {
    const PlannedMigration& m = plan.migrations[i];
    std::vector<std::string> rollback;
    for (const std::string& r : m.rollback) rollback.push_back(json_quote(r));
    out += fmt::format(
        "{}\n  {{\"app\": {}, \"name\": {}, \"path\": {}, \"stage\": {}, \"when\": {}, "
        "\"origin\": {}, \"why\": {}, \"delay\": {}, \"carried_by\": {}, \"rollback\": [{}]}}",
        i == 0 ? "" : ",", json_quote(m.app), json_quote(m.name), json_quote(m.path),
        json_quote(stage_text(m)), json_quote(m.after_deploy ? "after" : "before"),
        json_quote(origin_text(m.verdict.origin)), json_quote(m.verdict.why),
        json_or_null(m.verdict.delay), json_or_null(m.carried_by), fmt::join(rollback, ", "));
  }
  out += fmt::format("{}], \"findings\": {}, \"impossible\": {}}}\n",
                     plan.migrations.empty() ? "" : "\n", json_findings(plan.findings),
                     plan.impossible() ? "true" : "false");
  return out;
}

std::string render_group(const DeployPlan& plan, bool after) {
  std::string out;
  for (std::size_t i = 0; i < plan.migrations.size(); ++i) {
    const PlannedMigration& m = plan.migrations[i];
    if (m.after_deploy != after) continue;
    out += fmt::format("  {}. {}.{}  {}: {}\n", i + 1, m.app, m.name, stage_text(m), m.verdict.why);
    if (!m.carried_by.empty()) {
      out += fmt::format("     runs after the deploy because it follows `{}`\n", m.carried_by);
    }
    if (!m.verdict.delay.empty()) {
      out += fmt::format("     safemigrate waits {} after it first sees it\n", m.verdict.delay);
    }
    if (!m.rollback.empty()) {
      out += fmt::format("     a code rollback after it finds gone: {}\n",
                         fmt::join(m.rollback, ", "));
    }
  }
  return out.empty() ? "  (none)\n" : out;
}

int run_plan(const GlobalOptions& global, const PlanOptions& options) {
  auto context = Context::open(global);
  const bool json = options.format == "json";
  auto fail = [&](const Diagnostic& d) {
    print_error(d, use_color(global.color, stderr));
    return kExitError;
  };
  if (!context) return fail(context.error());
  if (!context->repo()) return fail(file_error("", "plan --base needs a git repository"));
  auto source = context->open_source(options.source);
  if (!source) return fail(source.error());
  auto project = load_project(**source);
  if (!project) return fail(project.error());
  const std::string head = options.source.rev.empty() ? "HEAD" : options.source.rev;
  auto fork_id = context->repo()->merge_base(options.base, head);
  if (!fork_id) return fail(file_error("", fork_id.error()));
  auto fork = context->open_source(SourceOptions{false, *fork_id ? **fork_id : options.base});
  if (!fork) return fail(fork.error());

  const DeployPlan plan = plan_deploy(*project, **source, (*fork)->paths());
  const int errors = count_findings(plan.findings).errors;
  if (json) {
    print_out(render_json(plan, options.base));
  } else if (plan.migrations.empty()) {
    print_out(fmt::format("migline plan: no migrations new since {}\n", options.base));
  } else {
    print_out(
        fmt::format("migline plan: {} migration{} new since {}, in the order `migrate` "
                    "applies them (stages: {})\n",
                    plan.migrations.size(), plan.migrations.size() == 1 ? "" : "s", options.base,
                    deploy_convention_name(plan.convention)));
    print_out("before the deploy:\n" + render_group(plan, false));
    print_out("after the deploy:\n" + render_group(plan, true));
    print_findings(plan.findings, context->color_stdout());
    print_out(errors == 0 ? std::string("migline plan: ok\n")
                          : fmt::format("migline plan: impossible ({} error{})\n", errors,
                                        errors == 1 ? "" : "s"));
  }
  return errors > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void add_plan_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* sub = app.add_subcommand("plan",
                                     "The migrations new since a revision in the order migrate "
                                     "applies them, before and after the deploy");
  add_source_options(*sub, options->source);
  sub->add_option("--base", options->base, "The revision deployed now (e.g. origin/main)")
      ->type_name("REV")
      ->required();
  sub->add_option("--format", options->format, "Output: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  out.push_back(Command{sub, [&global, options] { return run_plan(global, *options); }});
}

}  // namespace migline::cli
