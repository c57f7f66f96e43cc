// libFuzzer target: any bytes as either manifest layout. What parses must render and parse
// back to the same leaves.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/manifest/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto leaves = migline::parse_manifest("m.yaml", text)) {
    auto again = migline::parse_manifest("m.yaml", migline::render_manifest("m.yaml", *leaves));
    if (!again || *again != *leaves) __builtin_trap();
  }
  if (auto names = migline::parse_max_migration("max_migration.txt", text)) {
    auto again =
        migline::parse_max_migration("max_migration.txt", migline::render_max_migration(*names));
    if (!again || *again != *names) __builtin_trap();
  }
  return 0;
}
