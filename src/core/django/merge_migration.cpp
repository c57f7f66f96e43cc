#include "core/django/merge_migration.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/plan/migration_name.hpp"

namespace migline {

std::string merge_migration_name(const std::vector<std::string>& leaves,
                                 std::string_view timestamp) {
  long biggest = 1;
  bool numbered = false;
  for (const std::string& leaf : leaves) {
    const MigrationNumber n = split_migration_number(leaf);
    if (n.digits.empty()) continue;
    biggest = numbered ? std::max(biggest, n.value) : n.value;
    numbered = true;
  }
  std::vector<std::string> sorted = leaves;
  std::sort(sorted.begin(), sorted.end());
  const std::string joined = fmt::format("{}", fmt::join(sorted, "_"));
  return fmt::format("{:04d}_merge_{}", biggest + 1,
                     joined.size() > 47 ? std::string(timestamp) : joined);
}

std::string render_merge_migration(std::string_view app, const std::vector<std::string>& leaves,
                                   std::string_view header) {
  std::vector<std::string> sorted = leaves;
  std::sort(sorted.begin(), sorted.end());
  std::string dependencies;
  for (const std::string& leaf : sorted) {
    dependencies += fmt::format("        ('{}', '{}'),\n", app, leaf);
  }
  return fmt::format(
      "{}\n\nfrom django.db import migrations\n\n\nclass Migration(migrations.Migration):\n\n"
      "    dependencies = [\n{}    ]\n\n    operations = [\n    ]\n",
      header, dependencies);
}

}  // namespace migline
