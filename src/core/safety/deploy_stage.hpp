#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/django/migration_operations.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// The convention a team deploys with (`.migline.yaml` `safety: {stages: ...}`). It
// decides only what an unmarked migration is; marks of every convention are always honoured.
enum class DeployConvention { Off, Syzygy, SafeMigrate, Migline };

// The convention named `name` ("off", "syzygy", "safemigrate", "migline"), or nullopt.
std::optional<DeployConvention> parse_deploy_convention(std::string_view name);

// The name `parse_deploy_convention` reads back.
std::string_view deploy_convention_name(DeployConvention convention);

// When a migration runs: before the new code ships, or once only the new code is live.
enum class DeployStage { PreDeploy, PostDeploy };

// Why a migration has its stage.
enum class StageOrigin { Mark, Inference, Default };

// One stage mark as written in a migration file.
struct StageMark {
  std::string convention;  // "syzygy", "safemigrate" or "migline"
  DeployStage stage = DeployStage::PreDeploy;
  bool either = false;  // safemigrate's `Safe.always()`: may run on either side of the deploy
  std::string text;     // as written, e.g. "stage = Stage.POST_DEPLOY"
  std::string delay;    // safemigrate's `after_deploy(delay=...)` as written; empty without
  SourceSpan span;
};

// Every stage mark of one migration file, read statically.
struct DeployMarks {
  std::vector<StageMark> migration;  // on `class Migration` (`stage =`, `safe =`, the comment)
  // Marks on operations (syzygy's `stage=`, its PostAddField): the index into the
  // operations read by `read_migration_operations`, and the mark.
  std::vector<std::pair<std::size_t, StageMark>> operations;
  // Marks that look like one but cannot be read (a stage from an unknown module, a computed
  // `safe`): warnings with `path:line:col`.
  Diagnostics unreadable;
};

// Reads the stage marks of `source`, whose operations `operations` holds: the imports (aliases
// included) decide which names are syzygy's `Stage` and safemigrate's `Safe`.
DeployMarks read_deploy_marks(std::string_view path, std::string_view source,
                              const MigrationOperations& operations);

// The stage of one migration and why.
struct StageVerdict {
  DeployStage stage = DeployStage::PreDeploy;
  StageOrigin origin = StageOrigin::Default;
  bool either =
      false;          // safemigrate's always: runs after the deploy if it follows a post-deploy one
  std::string why;    // e.g. "marked `stage = Stage.POST_DEPLOY` (syzygy)"
  std::string delay;  // safemigrate's delay, as written
  // A migration whose marks or operations name both stages: why, and where. The stage above is
  // then the post-deploy one, the side that breaks nothing already shipped.
  std::optional<std::string> mixed;
  SourceSpan mixed_span;
};

// Decides the stage of a migration from its marks, then by `convention`: syzygy infers
// (RemoveField and DeleteModel post-deploy, the rest pre-deploy, both mixed), safemigrate's
// unmarked migrations are `Safe.always()`, otherwise unmarked means pre-deploy.
StageVerdict decide_deploy_stage(const DeployMarks& marks, const MigrationOperations& operations,
                                 DeployConvention convention);

}  // namespace migline
