#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace migline {

// A byte range in one source text; line and column are 1-based, column counts bytes. 32 bits
// each (16 bytes in all): a migration has three, a dense one references 15 others, and a
// text of 4 GiB or more is refused before it is read (kMaxSourceSize).
struct SourceSpan {
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  int line = 1;
  int column = 1;
};

// The largest source text a SourceSpan can point into.
inline constexpr std::size_t kMaxSourceSize = UINT32_MAX;

// Error fails `check`; Warning does not; Note says what migline could not tell.
enum class Severity { Error, Warning, Note };

// One finding about one place in one file, printed like a compiler's message.
struct Diagnostic {
  Severity severity = Severity::Error;
  std::string path;         // relative to the project root, '/' separated; may be empty
  int line = 0;             // 0 when the finding is about the whole file
  int column = 0;           // 0 when unknown
  std::string message;      // one sentence, no trailing period
  std::string source_line;  // the text of `line`, without its line ending; may be empty
  std::string hint;         // what to do about it; may be empty
  std::string rule;         // stable id for machines, e.g. "parse-error", "divergent-leaves"
};

using Diagnostics = std::vector<Diagnostic>;

// Returns an error at `span` in `source`, with the source line filled in.
Diagnostic error_at(std::string_view path, std::string_view source, const SourceSpan& span,
                    std::string message, std::string hint = {});

// Returns an error of `rule` at `span` of `path`, its source line left for the caller to add.
Diagnostic error_at_span(std::string path, const SourceSpan& span, std::string rule,
                         std::string message, std::string hint);

// Returns an error about the whole of `path` (no line), e.g. one that cannot be read.
Diagnostic file_error(std::string_view path, std::string message, std::string hint = {});

// Returns the text of the line holding byte `offset`, without its line ending.
std::string_view line_containing(std::string_view source, std::size_t offset);

// Returns the span of byte `offset` in `source`, counting lines the way Python does.
SourceSpan span_at(std::string_view source, std::size_t offset, std::size_t length = 1);

// "error", "warning" or "note".
const char* severity_name(Severity severity);

// Formats `d` as `path:line:col: error: message`, the source line, a caret and a hint.
std::string format_diagnostic(const Diagnostic& d, bool color);

// Orders diagnostics by path, line, column, then message, for stable output.
void sort_diagnostics(Diagnostics& diagnostics);

// True when any diagnostic is an error.
bool has_errors(const Diagnostics& diagnostics);

}  // namespace migline
