#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace migline {

// A migration name split at its leading number: `0042_order_status` is 42, "0042" and
// "_order_status". A name without a leading number has empty `digits`.
struct MigrationNumber {
  long value = 0;
  std::string_view digits;
  std::string_view suffix;
};

// Splits `name` (which must outlive the result) at its leading digits.
MigrationNumber split_migration_number(std::string_view name);

// `value` zero-padded to `width` digits, followed by `suffix`: (43, 4, "_x") -> "0043_x".
std::string numbered_name(long value, std::size_t width, std::string_view suffix);

// The one name of `names` with the same suffix as `name` and another number: what `name`
// was most likely renamed to by a linearization. std::nullopt when there is not exactly one.
std::optional<std::string> renamed_counterpart(std::string_view name,
                                               const std::vector<std::string>& names);

// True for `^[A-Za-z0-9_]+$`: the names migline may give a file, and the app labels and
// model names it reads as plain words.
bool is_plain_name(std::string_view name);

}  // namespace migline
