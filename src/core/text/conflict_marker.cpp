#include "core/text/conflict_marker.hpp"

namespace migline {

bool is_conflict_marker(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return false;
  const char c = line.front();
  if (c != '<' && c != '=' && c != '>' && c != '|') return false;
  std::size_t run = line.find_first_not_of(c);
  if (run == std::string_view::npos) run = line.size();
  if (run < 7) return false;
  return c == '=' ? run == line.size() : run == line.size() || line[run] == ' ';
}

std::optional<std::size_t> find_conflict_marker(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    if (is_conflict_marker(text.substr(begin, end - begin))) return begin;
    begin = end + 1;
  }
  return std::nullopt;
}

}  // namespace migline
