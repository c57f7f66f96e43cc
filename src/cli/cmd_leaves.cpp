#include <memory>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "core/json_writer.hpp"

namespace migline::cli {
namespace {

struct LeavesOptions {
  SourceOptions source;
  std::string format = "text";
};

std::string render_json(const Project& project) {
  std::string out = "{\"django\": {";
  bool first_app = true;
  for (const std::string& app : project.graph.apps()) {
    out += fmt::format("{}{}: [", first_app ? "" : ", ", json_quote(app));
    first_app = false;
    bool first_leaf = true;
    for (int id : project.graph.leaves(app)) {
      out += fmt::format("{}{}", first_leaf ? "" : ", ",
                         json_quote(project.graph.nodes()[static_cast<std::size_t>(id)].name));
      first_leaf = false;
    }
    out += "]";
  }
  return out + "}}\n";
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
  return out;
}

int run_leaves(const GlobalOptions& global, const LeavesOptions& options) {
  auto loaded = load_clean_project(global, options.source);
  if (!loaded) return loaded.error();
  const Project* project = &loaded->project;
  print_out(options.format == "json" ? render_json(*project) : render_text(*project));
  return kExitOk;
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
