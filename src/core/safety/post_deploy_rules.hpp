#pragma once

#include <cstddef>
#include <vector>

#include "core/django/migration_operations.hpp"
#include "core/safety/safety_rules.hpp"

namespace migline {

// Judges `op`, an operation of a post-deploy migration, from the side that runs
// beside it: only the new code is live. `findings[first..]` hold what `judge_operation` said
// about `op` against the old code: the intended steps of a post-deploy migration (remove-field,
// delete-model, make-field-not-null) are dropped, add-not-null-field becomes
// post-deploy-add-field, and a dropped NOT NULL column the new code no longer writes is
// post-deploy-remove-not-null. Messages name where a code rollback after it breaks.
void judge_after_deploy(const Operation& op, const OperationContext& context,
                        std::vector<SafetyFinding>& findings, std::size_t first);

}  // namespace migline
