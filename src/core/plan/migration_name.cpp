#include "core/plan/migration_name.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace migline {

MigrationNumber split_migration_number(std::string_view name) {
  MigrationNumber out;
  std::size_t end = 0;
  // 18 digits fit a long; a longer run is not a number Django's int() would renumber sanely.
  while (end < name.size() && end < 18 && name[end] >= '0' && name[end] <= '9') {
    out.value = out.value * 10 + (name[end] - '0');
    ++end;
  }
  out.digits = name.substr(0, end);
  out.suffix = name.substr(end);
  return out;
}

std::string numbered_name(long value, std::size_t width, std::string_view suffix) {
  return fmt::format("{:0{}d}{}", value, width, suffix);
}

std::optional<std::string> renamed_counterpart(std::string_view name,
                                               const std::vector<std::string>& names) {
  const MigrationNumber wanted = split_migration_number(name);
  if (wanted.digits.empty()) return std::nullopt;
  std::optional<std::string> match;
  for (const std::string& candidate : names) {
    const MigrationNumber n = split_migration_number(candidate);
    if (n.digits.empty() || n.suffix != wanted.suffix || n.value == wanted.value) continue;
    if (match) return std::nullopt;
    match = candidate;
  }
  return match;
}

bool is_plain_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace migline
