// libFuzzer target: any bytes as a migration file, read for its operations and judged by the
// safety rules after itself. Never crash, hang or point outside the source.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/safety/safety_replay.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  const migline::MigrationOperations ops =
      migline::read_migration_operations("app/migrations/0001_x.py", source);
  for (const migline::Operation& op : ops.operations) {
    if (op.span.offset + op.span.length > size) __builtin_trap();
  }
  std::vector<migline::ReplayedMigration> replay{
      {"app", "app/migrations/0001_x.py", source, &ops, false},
      {"app", "app/migrations/0002_x.py", source, &ops, true}};
  for (const migline::Diagnostic& d : migline::judge_migrations(replay, {})) {
    (void)migline::format_diagnostic(d, false);
  }
  return 0;
}
