// libFuzzer target: the parse cache's encoding. Any bytes read as a migration encode and
// decode back to the same facts; any bytes read as a cache record either decode to something
// that encodes and decodes stably, or are refused.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/codec/migration_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (auto parsed = migline::read_django_migration("a/migrations/0001_x.py", bytes, {})) {
    const std::string encoded = migline::encode_migration(*parsed);
    auto decoded = migline::decode_migration(encoded);
    if (!decoded || migline::encode_migration(*decoded) != encoded) std::abort();
  }
  if (auto decoded = migline::decode_migration(bytes)) {
    const std::string encoded = migline::encode_migration(*decoded);
    auto again = migline::decode_migration(encoded);
    if (!again || migline::encode_migration(*again) != encoded) std::abort();
  }
  return 0;
}
