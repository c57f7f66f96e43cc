// libFuzzer target: any bytes as a migration file, read for its operations and stage marks and
// judged by the safety rules after itself, before and after the deploy. Never crash, hang or
// point outside the source.
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
  const migline::DeployMarks marks =
      migline::read_deploy_marks("app/migrations/0001_x.py", source, ops);
  for (const migline::StageMark& mark : marks.migration) {
    if (mark.span.offset + mark.span.length > size) __builtin_trap();
  }
  const migline::StageVerdict stage =
      migline::decide_deploy_stage(marks, ops, migline::DeployConvention::Syzygy);
  if (stage.mixed && stage.mixed_span.offset + stage.mixed_span.length > size) __builtin_trap();
  std::vector<migline::ReplayedMigration> replay{
      {"app", "app/migrations/0001_x.py", source, &ops, false},
      {"app", "app/migrations/0002_x.py", source, &ops, true},
      {"app", "app/migrations/0003_x.py", source, &ops, true, true}};
  for (const migline::Diagnostic& d : migline::judge_migrations(replay, {})) {
    (void)migline::format_diagnostic(d, false);
  }
  return 0;
}
