#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/json_writer.hpp"
#include "cli/output.hpp"

namespace migline::cli {
namespace {

struct LeavesOptions {
  SourceOptions source;
  std::string format = "text";
};

// {"django": {label: [leaves]}, "alembic": {script location: [heads]}}, and "findings" when
// there are any. Apps and histories with a file that failed to read are left out: their
// leaves are not known.
std::string render_json(const Project* project, const Diagnostics& findings) {
  std::string out = "{\"django\": {";
  bool first_app = true;
  for (const std::string& app : project ? project->graph.apps() : std::vector<std::string>{}) {
    auto gap = project->unreadable.lower_bound(std::make_pair(app, std::string()));
    if (gap != project->unreadable.end() && gap->first == app) continue;
    out += fmt::format("{}{}: [", first_app ? "" : ", ", json_quote(app));
    first_app = false;
    bool first_leaf = true;
    for (int id : project->graph.leaves(app)) {
      out += fmt::format("{}{}", first_leaf ? "" : ", ",
                         json_quote(project->graph.nodes()[static_cast<std::size_t>(id)].name));
      first_leaf = false;
    }
    out += "]";
  }
  out += "}, \"alembic\": {";
  bool first_history = true;
  for (const AlembicHistory& h : project ? project->alembic : std::vector<AlembicHistory>{}) {
    if (h.broken) continue;  // a gap or a cycle: its heads are not known
    out += fmt::format("{}{}: [", first_history ? "" : ", ", json_quote(h.location));
    first_history = false;
    bool first_head = true;
    for (const std::string& id : h.head_ids()) {
      out += fmt::format("{}{}", first_head ? "" : ", ", json_quote(id));
      first_head = false;
    }
    out += "]";
  }
  out += "}";
  if (!findings.empty()) out += ", \"findings\": " + json_findings(findings);
  return out + "}\n";
}

std::string render_text(const Project& project) {
  const std::vector<std::string> apps = project.graph.apps();
  std::size_t width = 0;
  for (const std::string& app : apps) width = std::max(width, app.size());
  std::string out;
  for (const std::string& app : apps) {
    std::vector<std::string> names;
    for (int id : project.graph.leaves(app)) {
      names.push_back(project.graph.nodes()[static_cast<std::size_t>(id)].name);
    }
    out += fmt::format("{:<{}}  {}{}\n", app, width, fmt::join(names, " "),
                       names.size() > 1 ? "  (divergent: run `migline resolve`)" : "");
  }
  for (const AlembicHistory& h : project.alembic) {
    out += fmt::format("alembic {}  {}{}\n", h.location, fmt::join(h.head_ids(), " "),
                       h.divergent_groups().empty() ? "" : "  (divergent: run `migline resolve`)");
  }
  return out;
}

int run_leaves(const GlobalOptions& global, const LeavesOptions& options) {
  const bool json = options.format == "json";
  if (!json) {
    auto loaded = load_clean_project(global, options.source);
    if (!loaded) return loaded.error();
    print_out(render_text(loaded->project));
    return kExitOk;
  }
  // JSON is one document whatever the state of the project: the findings are in it.
  auto loaded = load_any_project(global, options.source);
  if (!loaded) {
    print_error(loaded.error(), use_color(global.color, stderr));
    print_out(render_json(nullptr, {loaded.error()}));
    return kExitError;
  }
  Diagnostics findings = loaded->project.diagnostics;
  sort_diagnostics(findings);
  print_diagnostics(findings, loaded->context.color_stderr());
  print_out(render_json(&loaded->project, findings));
  return has_errors(findings) ? kExitFindings : kExitOk;
}

}  // namespace

void add_leaves_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  auto options = std::make_shared<LeavesOptions>();
  CLI::App* sub = app.add_subcommand("leaves", "Print each app's leaf migrations");
  add_source_options(*sub, options->source);
  sub->add_option("--format", options->format, "Output format: text or json")
      ->check(CLI::IsMember({"text", "json"}));
  out.push_back(Command{sub, [&global, options] {
                          return run_answer_cached(global, options->source, {},
                                                   [&] { return run_leaves(global, *options); });
                        }});
}

}  // namespace migline::cli
