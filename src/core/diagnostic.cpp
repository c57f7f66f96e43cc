#include "core/diagnostic.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

namespace migline {
namespace {

// Lines longer than this are shown as a window around the column.
constexpr std::size_t kMaxShownLine = 160;

bool is_line_break(char c) {
  return c == '\n' || c == '\r';
}

}  // namespace

std::string_view line_containing(std::string_view source, std::size_t offset) {
  offset = std::min(offset, source.size());
  std::size_t begin = offset;
  while (begin > 0 && !is_line_break(source[begin - 1])) --begin;
  std::size_t end = offset;
  while (end < source.size() && !is_line_break(source[end])) ++end;
  return source.substr(begin, end - begin);
}

SourceSpan span_at(std::string_view source, std::size_t offset, std::size_t length) {
  offset = std::min(offset, source.size());
  SourceSpan span;
  span.offset = offset;
  span.length = length;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    char c = source[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= source.size() || source[i + 1] != '\n'))) {
      ++span.line;
      line_start = i + 1;
    }
  }
  span.column = static_cast<int>(offset - line_start) + 1;
  return span;
}

Diagnostic error_at(std::string_view path, std::string_view source, const SourceSpan& span,
                    std::string message, std::string hint) {
  Diagnostic d;
  d.path = std::string(path);
  d.line = span.line;
  d.column = span.column;
  d.message = std::move(message);
  d.source_line = std::string(line_containing(source, span.offset));
  d.hint = std::move(hint);
  return d;
}

std::string format_diagnostic(const Diagnostic& d, bool color) {
  const char* bold = color ? "\x1b[1m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  const bool error = d.severity == Severity::Error;
  const char* tint = !color ? "" : error ? "\x1b[1;31m" : "\x1b[1;35m";
  const char* caret_tint = color ? "\x1b[1;32m" : "";

  std::string out = bold;
  if (!d.path.empty()) {
    out += d.path;
    if (d.line > 0) out += fmt::format(":{}", d.line);
    if (d.line > 0 && d.column > 0) out += fmt::format(":{}", d.column);
    out += ": ";
  }
  out += fmt::format("{}{}:{}{} {}{}\n", tint, error ? "error" : "warning", reset, bold, d.message,
                     reset);
  if (d.line > 0 && !d.source_line.empty()) {
    std::string_view line = d.source_line;
    std::size_t col = d.column > 0 ? static_cast<std::size_t>(d.column - 1) : 0;
    col = std::min(col, line.size());
    std::size_t shown_begin = 0;
    if (line.size() > kMaxShownLine) {
      shown_begin = col > kMaxShownLine / 2 ? col - kMaxShownLine / 2 : 0;
      line = line.substr(shown_begin, kMaxShownLine);
    }
    out += fmt::format("{}\n", line);
    if (d.column > 0) {
      std::string pad;
      for (std::size_t i = shown_begin; i < col; ++i) {
        unsigned char c = static_cast<unsigned char>(d.source_line[i]);
        if (c == '\t') {
          pad += '\t';
        } else if ((c & 0xC0) != 0x80) {
          pad += ' ';  // one column per code point, not per byte
        }
      }
      out += fmt::format("{}{}^{}\n", pad, caret_tint, reset);
    }
  }
  if (!d.hint.empty()) out += fmt::format("{}hint:{} {}\n", bold, reset, d.hint);
  return out;
}

void sort_diagnostics(Diagnostics& diagnostics) {
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
    return std::tie(a.path, a.line, a.column, a.message) <
           std::tie(b.path, b.line, b.column, b.message);
  });
}

bool has_errors(const Diagnostics& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace migline
