// libFuzzer target: three texts (split at NUL bytes) for the three-way manifest merge. A
// clean merge must be a valid manifest holding every change of both sides; a conflict must
// name at least one app and keep both sides' values.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/manifest/manifest.hpp"
#include "core/manifest/manifest_merge.hpp"

namespace {

std::string_view next_part(std::string_view& rest) {
  const std::size_t nul = rest.find('\0');
  std::string_view part = rest.substr(0, nul);
  rest = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view base = next_part(rest), ours = next_part(rest), theirs = next_part(rest);
  const migline::MergeLabels labels;
  if (auto merged = migline::merge_manifest("m.yaml", base, ours, theirs, labels)) {
    auto result = migline::parse_manifest("m.yaml", merged->text);
    if (merged->conflicts.empty() != result.has_value()) __builtin_trap();
    if (result) {
      // Every app a side changed from the base has that side's value.
      auto b = base.empty() ? migline::LeafMap() : *migline::parse_manifest("b", base);
      for (const std::string_view side : {ours, theirs}) {
        const migline::LeafMap changed = *migline::parse_manifest("s", side);
        for (const auto& [app, names] : changed) {
          auto was = b.find(app);
          if ((was == b.end() || was->second != names) && result->at(app) != names) {
            __builtin_trap();
          }
        }
      }
    }
  }
  if (auto merged = migline::merge_max_migration("app", base, ours, theirs, labels)) {
    if (merged->conflicts.empty() && !merged->text.empty() &&
        !migline::parse_max_migration("m", merged->text)) {
      __builtin_trap();
    }
  }
  return 0;
}
