#pragma once

namespace migline::cli {

// Parses the command line and runs the chosen command; returns the process exit status.
int run(int argc, char** argv);

}  // namespace migline::cli
