#pragma once

#include <cstdio>
#include <string>

#include "core/diagnostic.hpp"

namespace migline::cli {

// Decides whether to colour output to `stream` for `--color auto|always|never`; `auto` means
// a terminal, no NO_COLOR and a TERM other than "dumb".
bool use_color(const std::string& mode, std::FILE* stream);

// Prints `diagnostics` to stderr, sorted, each in compiler style.
void print_diagnostics(const Diagnostics& diagnostics, bool color);

// Prints one error to stderr: `migline: error: message` or in compiler style when it has a path.
void print_error(const Diagnostic& error, bool color);

}  // namespace migline::cli
