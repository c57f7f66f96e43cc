#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "cli/plural.hpp"
#include "project/checks.hpp"
#include "project/deploy_plan.hpp"
#include "project/safety_check.hpp"

namespace migline::cli {
namespace {

struct CheckOptions {
  SourceOptions source;
  std::string base;
  std::string format = "text";
  bool no_safety = false;
};

std::string render_json(const Diagnostics& findings, int errors, int warnings) {
  return fmt::format("{{\"findings\": {}, \"errors\": {}, \"warnings\": {}}}\n",
                     json_findings(findings), errors, warnings);
}

// GitHub workflow commands escape %, CR and LF in the message; properties also ':' and ','.
std::string github_escape(std::string_view text, bool property) {
  std::string out;
  for (char c : text) {
    if (c == '%') {
      out += "%25";
    } else if (c == '\r') {
      out += "%0D";
    } else if (c == '\n') {
      out += "%0A";
    } else if (property && c == ':') {
      out += "%3A";
    } else if (property && c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_github(const Diagnostics& findings) {
  std::string out;
  for (const Diagnostic& d : findings) {
    std::string properties = "file=" + github_escape(d.path, true);
    if (d.line > 0) properties += fmt::format(",line={}", d.line);
    if (d.column > 0) properties += fmt::format(",col={}", d.column);
    properties += ",title=" + github_escape("migline " + d.rule, true);
    std::string message = d.message;
    if (!d.hint.empty()) message += "\nhint: " + d.hint;
    const char* level = d.severity == Severity::Note ? "notice" : severity_name(d.severity);
    out += fmt::format("::{} {}::{}\n", level, properties, github_escape(message, false));
  }
  return out;
}

// Loads the project at `rev` for --base; base findings are not the branch's concern.
tl::expected<std::pair<std::unique_ptr<FileSource>, Project>, Diagnostic> load_at(
    const Context& context, const std::string& rev) {
  auto source = context.open_source(SourceOptions{false, rev});
  if (!source) return tl::make_unexpected(source.error());
  auto project = load_project(**source);
  if (!project) return tl::make_unexpected(project.error());
  return std::make_pair(std::move(*source), std::move(*project));
}

int run_check(const GlobalOptions& global, const CheckOptions& options) {
  auto context = Context::open(global);
  if (!context) {
    print_error(context.error(), use_color(global.color, stderr));
    if (options.format == "json") print_out(render_json({context.error()}, 1, 0));
    return kExitError;
  }
  const bool color = context->color_stderr();
  auto fail = [&](const Diagnostic& d) {
    print_error(d, color);
    if (options.format == "json") print_out(render_json({d}, 1, 0));
    return kExitError;
  };
  auto source = context->open_source(options.source);
  if (!source) return fail(source.error());
  auto project = load_project(**source);
  if (!project) return fail(project.error());

  Diagnostics findings = project->diagnostics;
  Diagnostics extra;
  if (options.base.empty()) {
    extra = check_project(*project, **source, nullptr);
  } else {
    if (!context->repo()) return fail(file_error("", "--base needs a git repository"));
    auto at_rev = load_at(*context, options.base);
    if (!at_rev) return fail(at_rev.error());
    const std::string head = options.source.rev.empty() ? "HEAD" : options.source.rev;
    auto fork_id = context->repo()->merge_base(options.base, head);
    if (!fork_id) return fail(file_error("", fork_id.error()));
    auto at_fork = *fork_id ? load_at(*context, **fork_id) : load_at(*context, options.base);
    if (!at_fork) return fail(at_fork.error());
    BaseProject base{options.base, &at_rev->second, &at_fork->second, at_fork->first.get()};
    extra = check_project(*project, **source, &base);
    if (!options.no_safety) {
      Diagnostics safety = check_safety(*project, **source, at_fork->first.get());
      extra.insert(extra.end(), safety.begin(), safety.end());
    }
    // What makes the deploy plan impossible (core/safety/deploy_stage); its notes are `plan`'s
    // alone.
    for (Diagnostic& d : plan_deploy(*project, **source, at_fork->first->paths()).findings) {
      if (d.severity != Severity::Note) extra.push_back(std::move(d));
    }
  }
  findings.insert(findings.end(), extra.begin(), extra.end());
  sort_diagnostics(findings);

  const auto [errors, warnings, notes] = count_findings(findings);
  if (options.format == "json") {
    print_out(render_json(findings, errors, warnings));
  } else if (options.format == "github") {
    print_out(render_github(findings));
  } else {
    print_findings(findings, context->color_stdout());
  }
  if (options.format != "json") {
    if (findings.empty()) {
      print_out(fmt::format("migline check: ok ({}, {})\n",
                            count_of(project->graph.apps().size(), "app"),
                            count_of(project->migrations.size(), "migration")));
    } else {
      std::string noted = notes == 0 ? "" : ", " + count_of(notes, "note");
      print_out(fmt::format("migline check: {}, {}{}\n", count_of(errors, "error"),
                            count_of(warnings, "warning"), noted));
    }
  }
  return errors > 0 ? kExitFindings : kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* sub = app.add_subcommand("check",
                                     "The CI gate: fail on divergence, a stale "
                                     "manifest or a branch that fell behind");
  add_source_options(*sub, options->source);
  sub->add_option("--base", options->base,
                  "Also check against this revision (e.g. origin/main): published migrations "
                  "unchanged, new ones after its leaves")
      ->type_name("REV");
  sub->add_flag("--no-safety", options->no_safety,
                "With --base, skip the safety rules for migrations new on the branch");
  sub->add_option("--format", options->format, "Output: text, json or github")
      ->check(CLI::IsMember({"text", "json", "github"}));
  out.push_back(Command{sub, [&global, options] {
                          // --base also reads the fork point, which HEAD (or --rev) decides.
                          std::vector<std::string> revs;
                          if (!options->base.empty()) revs = {options->base, "HEAD"};
                          return run_answer_cached(global, options->source, revs,
                                                   [&] { return run_check(global, *options); });
                        }});
}

}  // namespace migline::cli
