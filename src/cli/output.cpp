#include "cli/output.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace migline::cli {

bool use_color(const std::string& mode, std::FILE* stream) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(fileno(stream)) != 0;
}

void print_diagnostics(const Diagnostics& diagnostics, bool color) {
  Diagnostics sorted = diagnostics;
  sort_diagnostics(sorted);
  for (const Diagnostic& d : sorted) fmt::print(stderr, "{}", format_diagnostic(d, color));
}

void print_error(const Diagnostic& error, bool color) {
  if (!error.path.empty()) {
    fmt::print(stderr, "{}", format_diagnostic(error, color));
    return;
  }
  Diagnostic named = error;
  named.path = "migline";
  fmt::print(stderr, "{}", format_diagnostic(named, color));
}

}  // namespace migline::cli
