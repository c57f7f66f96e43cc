#pragma once

#include <string>
#include <string_view>

namespace migline::testing {

// A Django migration file importing `migrations, models`, with `class_suffix` right after the
// class line's colon (e.g. a `# migline: allow` comment), `body` after that line, and
// `operations` in its `operations` list.
inline std::string migration_source(std::string_view operations, std::string_view class_suffix = "",
                                    std::string_view body = "") {
  return "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):" +
         std::string(class_suffix) + "\n" + std::string(body) + "    operations = [\n" +
         std::string(operations) + "    ]\n";
}

}  // namespace migline::testing
