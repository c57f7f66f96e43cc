#include "core/text/diagnostic.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace migline {
namespace {

// Lines longer than this are shown as a window around the column.
constexpr std::size_t kMaxShownLine = 160;

bool is_line_break(char c) {
  return c == '\n' || c == '\r';
}

// Length of the valid UTF-8 sequence at `s[i]`, or 0 when it is not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80                   ? 1
                  : (c >= 0xC2 && c <= 0xDF) ? 2
                  : (c >= 0xE0 && c <= 0xEF) ? 3
                  : (c >= 0xF0 && c <= 0xF4) ? 4
                                             : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  return n;
}

// The line made safe for a terminal (control bytes and invalid UTF-8 become '?'), and the
// padding that puts a caret under byte `caret` of it: one column per code point, tabs kept.
std::pair<std::string, std::string> printable(std::string_view line, std::size_t caret) {
  std::string text, pad;
  for (std::size_t i = 0; i < line.size();) {
    const auto c = static_cast<unsigned char>(line[i]);
    std::size_t n = utf8_length(line, i);
    const bool control = n == 1 && (c < 0x20 || c == 0x7F) && c != '\t';
    if (n == 0 || control) {
      text += '?';
      n = 1;
    } else {
      text.append(line.substr(i, n));
    }
    if (i < caret) pad += c == '\t' ? '\t' : ' ';
    i += n;
  }
  return {text, pad};
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
  offset = std::min({offset, source.size(), kMaxSourceSize});
  SourceSpan span;
  span.offset = static_cast<std::uint32_t>(offset);
  span.length = static_cast<std::uint32_t>(std::min(length, kMaxSourceSize - offset));
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
  Diagnostic d = rule_finding(path, span, {}, std::move(message), std::move(hint));
  d.source_line = std::string(line_containing(source, span.offset));
  return d;
}

Diagnostic file_error(std::string_view path, std::string message, std::string hint) {
  Diagnostic d;
  d.path = std::string(path);
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

SourceSpan join_spans(const SourceSpan& first, const SourceSpan& last) {
  SourceSpan s = first;
  s.length = last.offset + last.length - first.offset;
  return s;
}

Diagnostic rule_finding(std::string_view path, const SourceSpan& span, std::string rule,
                        std::string message, std::string hint, Severity severity) {
  Diagnostic d;
  d.severity = severity;
  d.path = std::string(path);
  d.line = span.line;
  d.column = span.column;
  d.rule = std::move(rule);
  d.message = std::move(message);
  d.hint = std::move(hint);
  return d;
}

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

std::string format_diagnostic(const Diagnostic& d, bool color) {
  const char* bold = color ? "\x1b[1m" : "";
  const char* reset = color ? "\x1b[0m" : "";
  const bool error = d.severity == Severity::Error;
  const char* tint = !color                            ? ""
                     : error                           ? "\x1b[1;31m"
                     : d.severity == Severity::Warning ? "\x1b[1;35m"
                                                       : "\x1b[1;36m";
  const char* caret_tint = color ? "\x1b[1;32m" : "";

  std::string out = bold;
  if (!d.path.empty()) {
    out += d.path;
    if (d.line > 0) out += fmt::format(":{}", d.line);
    if (d.line > 0 && d.column > 0) out += fmt::format(":{}", d.column);
    out += ": ";
  }
  out += fmt::format("{}{}:{}{} {}{}\n", tint, severity_name(d.severity), reset, bold, d.message,
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
    auto [text, pad] = printable(line, col - shown_begin);
    out += text + "\n";
    if (d.column > 0) out += fmt::format("{}{}^{}\n", pad, caret_tint, reset);
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
