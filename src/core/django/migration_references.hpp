#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/django/django_migration.hpp"
#include "core/python/python_outline.hpp"

namespace migline {

// The hint of a diagnostic about a reference list that cannot be read statically.
inline constexpr std::string_view kStaticReferencesHint =
    "migline reads migrations without running them; write a literal list of "
    "(\"app_label\", \"migration_name\") tuples";

// Reads the value of `attribute` (`dependencies`, `replaces` or `run_before`) at the stream's
// position: a list or tuple of `("app", "name")` tuples, `swappable_dependency(settings.X)`
// (resolved through `settings`) and the swapper library's `dependency(...)` entries; literal
// lists added with `+`; both branches of `A if COND else B`, their entries conditional. Anything
// else is a diagnostic on the stream and nullopt.
std::optional<std::vector<MigrationRef>> read_reference_list(TokenStream& tokens,
                                                             std::string_view attribute,
                                                             const SwappableSettings& settings);

}  // namespace migline
