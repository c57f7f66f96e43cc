#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/diagnostic.hpp"
#include "project/answer_cache.hpp"

namespace migline::cli {

// Decides whether to colour output to `stream` for `--color auto|always|never`; `auto` means
// a terminal, no NO_COLOR and a TERM other than "dumb".
bool use_color(const std::string& mode, std::FILE* stream);

// Prints `diagnostics` to stderr, sorted, each in compiler style.
void print_diagnostics(const Diagnostics& diagnostics, bool color);

// Prints one error to stderr: `migline: error: message` or in compiler style when it has a path.
void print_error(const Diagnostic& error, bool color);

// How many findings there are of each severity.
struct FindingCounts {
  int errors = 0;
  int warnings = 0;
  int notes = 0;
};

// Counts `findings` by severity.
FindingCounts count_findings(const Diagnostics& findings);

// Prints `findings` to stdout in the order given, each in compiler style (a report's body).
void print_findings(const Diagnostics& findings, bool color);

// `findings` as a JSON array of objects (rule, severity, path, line, column, message, hint),
// one per line, in the order given.
std::string json_findings(const Diagnostics& findings);

// Everything a command prints goes through these, so that its answer can be recorded.
void print_out(std::string_view text);
void print_err(std::string_view text);

// While alive, keeps what print_out and print_err write, in order (they still write it).
class OutputRecording {
 public:
  OutputRecording();
  ~OutputRecording();
  OutputRecording(const OutputRecording&) = delete;
  OutputRecording& operator=(const OutputRecording&) = delete;
  // What was printed so far.
  std::vector<OutputChunk> take();

 private:
  std::vector<OutputChunk> chunks_;
  std::vector<OutputChunk>* outer_;  // the recording this one hides
};

}  // namespace migline::cli
