#include "cli/output.hpp"

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cli/json_writer.hpp"
#include "fs/terminal.hpp"

namespace migline::cli {
namespace {

// Where the innermost OutputRecording keeps what is printed; null when none is alive.
std::vector<OutputChunk>* recording = nullptr;

void print_to(std::FILE* stream, std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stream);
  std::vector<OutputChunk>* chunks = recording;
  if (chunks == nullptr || text.empty()) return;
  const bool to_stderr = stream == stderr;
  if (chunks->empty() || chunks->back().to_stderr != to_stderr) {
    chunks->push_back(OutputChunk{to_stderr, {}});
  }
  chunks->back().text += text;
}

}  // namespace

bool use_color(const std::string& mode, std::FILE* stream) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return is_terminal(stream);
}

void print_diagnostics(const Diagnostics& diagnostics, bool color) {
  Diagnostics sorted = diagnostics;
  sort_diagnostics(sorted);
  for (const Diagnostic& d : sorted) print_err(format_diagnostic(d, color));
}

FindingCounts count_findings(const Diagnostics& findings) {
  FindingCounts counts;
  for (const Diagnostic& d : findings) {
    (d.severity == Severity::Error     ? counts.errors
     : d.severity == Severity::Warning ? counts.warnings
                                       : counts.notes)++;
  }
  return counts;
}

void print_findings(const Diagnostics& findings, bool color) {
  for (const Diagnostic& d : findings) print_out(format_diagnostic(d, color));
}

void print_error(const Diagnostic& error, bool color) {
  if (!error.path.empty()) {
    print_err(format_diagnostic(error, color));
    return;
  }
  Diagnostic named = error;
  named.path = "migline";
  print_err(format_diagnostic(named, color));
}

std::string json_findings(const Diagnostics& findings) {
  std::string out = "[";
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const Diagnostic& d = findings[i];
    out += fmt::format(
        "{}\n  {{\"rule\": {}, \"severity\": {}, \"path\": {}, \"line\": {}, \"column\": {}, "
        "\"message\": {}, \"hint\": {}}}",
        i == 0 ? "" : ",", json_quote(d.rule.empty() ? "error" : d.rule),
        json_quote(severity_name(d.severity)), json_quote(d.path), d.line, d.column,
        json_quote(d.message), json_quote(d.hint));
  }
  return out + (findings.empty() ? "]" : "\n]");
}

void print_out(std::string_view text) {
  print_to(stdout, text);
}

void print_err(std::string_view text) {
  print_to(stderr, text);
}

OutputRecording::OutputRecording() : outer_(recording) {
  recording = &chunks_;
}

OutputRecording::~OutputRecording() {
  recording = outer_;
}

std::vector<OutputChunk> OutputRecording::take() {
  return std::move(chunks_);
}

}  // namespace migline::cli
