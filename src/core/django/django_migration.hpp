#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/text/diagnostic.hpp"

namespace migline {

// A reference to a migration, `(app_label, name)`, as written in a migration file.
struct MigrationRef {
  std::string app;
  std::string name;
  SourceSpan span;              // the whole entry
  SourceSpan name_span;         // the name literal(s); length 0 for a swappable dependency
  bool plain = true;            // both parts are single literals, so they can be rewritten in place
  std::string setting;          // the key .migline.yaml states it under: X for `settings.X`,
                                // `oauth2_settings.X` for an app's own settings object
  std::string condition;        // in a branch of `A if COND else B`: COND as written; else empty
  bool condition_holds = true;  // true in A (present when COND is true), false in B

  // A swappable dependency on a setting that is not configured: its app is unknown (empty).
  bool unknown_app() const { return app.empty(); }
  // Present only for one value of a condition the file tests when Django imports it.
  bool conditional() const { return !condition.empty(); }
  // The setting as the file writes it: `settings.X` or `oauth2_settings.X`.
  std::string setting_expression() const {
    return setting.find('.') == std::string::npos ? "settings." + setting : setting;
  }
};

// One entry of `operations`, read statically for display: e.g. `AddField` on `order`.
struct MigrationOperation {
  std::string type;   // the class called, e.g. "AddField", "RunPython"
  std::string model;  // the model it names, lowercase; empty when it names none
};

// The facts migline needs from one Django migration file.
struct DjangoMigration {
  std::string path;  // relative to the project root
  std::string app;   // app label
  std::string name;  // file name without `.py`
  SourceSpan class_span;
  std::vector<MigrationRef> dependencies;
  std::vector<MigrationRef> replaces;
  std::vector<MigrationRef> run_before;
  // Where `replaces` is set to a value computed when Django imports the file (a call, a name,
  // an assignment in a block); length 0 when `replaces` is a literal or absent.
  SourceSpan computed_replaces;
  std::vector<MigrationOperation> operations;  // best effort; never a diagnostic
};

// Django settings that swappable dependencies name, e.g. AUTH_USER_MODEL -> "accounts.User".
using SwappableSettings = std::map<std::string, std::string, std::less<>>;

// The rule of the one diagnostic `read_django_migration` gives for a module that reads cleanly
// but defines no top-level `class Migration`.
inline constexpr std::string_view kNoMigrationClassRule = "no-migration-class";

// Reads the top-level `class Migration` of `source` without running it: its `dependencies`,
// `replaces` and `run_before`, and what it can see of `operations`. Whatever cannot be evaluated
// statically is a diagnostic, never a guess. `app` and `name` of the result are left for the caller
// to fill in.
tl::expected<DjangoMigration, Diagnostics> read_django_migration(std::string_view path,
                                                                 std::string_view source,
                                                                 const SwappableSettings& settings);

}  // namespace migline
