#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/django/django_migration.hpp"

namespace migline {

// A compact byte encoding of what read_django_migration found in one file, for the parse
// cache. `path`, `app` and `name` are not encoded: they come from where the file is.
std::string encode_migration(const DjangoMigration& migration);

// The migration `bytes` encodes; std::nullopt unless `bytes` is exactly one well-formed
// encoding. Never reads outside `bytes`, whatever they hold.
std::optional<DjangoMigration> decode_migration(std::string_view bytes);

// A 64-bit checksum that catches damaged bytes (a torn write, a flipped bit); not a
// defence against someone who can write the file on purpose.
std::uint64_t checksum64(std::string_view bytes);

}  // namespace migline
