// libFuzzer target: conflict text. Whatever surrounds a conflict hunk, and whatever marker
// size and labels git used, the manifest readers must refuse it: a conflicted manifest is
// never taken for a clean one.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/manifest/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t marker = 7 + data[0] % 10;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::size_t cut = rest.find('\n');
  const std::string_view before = rest.substr(0, cut);
  const std::string_view after = cut == std::string_view::npos ? "" : rest.substr(cut + 1);
  const std::string text = std::string(before) + "\n" + std::string(marker, '<') + " ours\n" +
                           std::string(after) + "\n" + std::string(marker, '=') + "\n" +
                           std::string(marker, '>') + " theirs\n";
  if (migline::parse_manifest("m.yaml", text)) __builtin_trap();
  if (migline::parse_max_migration("max_migration.txt", text)) __builtin_trap();
  return 0;
}
