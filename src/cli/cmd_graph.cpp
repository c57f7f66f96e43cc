#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/graph_render.hpp"
#include "cli/output.hpp"

namespace migline::cli {
namespace {

struct GraphOptions {
  SourceOptions source;
  std::string app;
  std::string format = "text";
};

int run_graph(const GlobalOptions& global, const GraphOptions& options) {
  auto loaded = load_clean_project(global, options.source);
  if (!loaded) return loaded.error();
  const Project* project = &loaded->project;
  if (!options.app.empty() && project->graph.leaves(options.app).empty()) {
    Diagnostic d;
    d.message = fmt::format("no app labelled '{}' has migrations", options.app);
    d.hint = fmt::format("known apps: {}", fmt::join(project->graph.apps(), ", "));
    print_error(d, loaded->context.color_stderr());
    return kExitError;
  }
  if (options.format == "dot") {
    print_out(render_graph_dot(*project, options.app));
  } else if (options.format == "mermaid") {
    print_out(render_graph_mermaid(*project, options.app));
  } else {
    print_out(render_graph_text(*project, options.app));
  }
  return kExitOk;
}

}  // namespace

void add_graph_command(CLI::App& app, const GlobalOptions& global, std::vector<Command>& out) {
  auto options = std::make_shared<GraphOptions>();
  CLI::App* sub = app.add_subcommand("graph", "Show the migration graph");
  sub->add_option("APP", options->app, "Only this app (and its direct neighbours)");
  add_source_options(*sub, options->source);
  sub->add_option("--format", options->format, "Output format: text, dot or mermaid")
      ->check(CLI::IsMember({"text", "dot", "mermaid"}));
  out.push_back(Command{sub, [&global, options] {
                          return run_answer_cached(global, options->source, {},
                                                   [&] { return run_graph(global, *options); });
                        }});
}

}  // namespace migline::cli
