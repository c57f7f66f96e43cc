#pragma once

#include <string>

#include "project/project_loader.hpp"

namespace migline::cli {

// Renders the graph of `app` (every app when empty) as indented text, Graphviz dot or
// Mermaid. Edges point from a migration to the ones that depend on it.
std::string render_graph_text(const Project& project, const std::string& app);
std::string render_graph_dot(const Project& project, const std::string& app);
std::string render_graph_mermaid(const Project& project, const std::string& app);

}  // namespace migline::cli
