#pragma once

#include <vector>

#include "core/django/django_migration.hpp"
#include "core/python/python_outline.hpp"

namespace migline {

// Reads `operations = [migrations.AddField(model_name="order", ...), ...]` at the stream's
// position (on `operations`) for display: each call's class and the model it names
// (`model_name=`, else the first positional string, else `name=`), lower-cased. Anything
// unexpected just ends the reading; these summaries are only ever shown to people (the
// safety rules read operations in full: core/django/migration_operations).
std::vector<MigrationOperation> read_operation_summaries(TokenStream& tokens);

}  // namespace migline
