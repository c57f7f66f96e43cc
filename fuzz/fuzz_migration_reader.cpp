// libFuzzer target: any bytes as a migration file. The reader must return a value or
// diagnostics, never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/django/django_migration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  static const migline::SwappableSettings settings = {{"AUTH_USER_MODEL", "accounts.User"}};
  auto result = migline::read_django_migration("app/migrations/0001_x.py", source, settings);
  if (result) {
    for (const auto* list : {&result->dependencies, &result->replaces, &result->run_before}) {
      for (const migline::MigrationRef& ref : *list) {
        // Spans must lie inside the source: resolve edits bytes at them.
        if (ref.name_span.offset + ref.name_span.length > size) __builtin_trap();
      }
    }
  } else {
    for (const migline::Diagnostic& d : result.error()) (void)migline::format_diagnostic(d, false);
  }
  return 0;
}
