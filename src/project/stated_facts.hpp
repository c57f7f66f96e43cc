#pragma once

#include "core/django/django_migration.hpp"
#include "core/text/diagnostic.hpp"
#include "project/config.hpp"

namespace migline {

// The rule of a same-app dependency that holds for one value of a condition nobody stated.
inline constexpr std::string_view kConditionalDependencyRule = "conditional-dependency";
// The rule of a squash whose `replaces` is computed at import and not stated in .migline.yaml.
inline constexpr std::string_view kComputedReplacesRule = "computed-replaces";

// Applies what .migline.yaml states about `migrations` that their files cannot say: keeps the
// branch of `A if COND else B` that `conditions:` selects (the other's entries are dropped) and
// fills a computed `replaces` from `replaces:`. Reports the rest: an undecided conditional
// reference within its own app, a computed `replaces` not stated. Labels must be set.
void apply_stated_facts(const Config& config, std::vector<DjangoMigration>& migrations,
                        Diagnostics& out);

}  // namespace migline
