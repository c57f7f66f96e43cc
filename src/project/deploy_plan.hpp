#pragma once

#include <string>
#include <vector>

#include "core/safety/deploy_stage.hpp"
#include "core/text/diagnostic.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"

namespace migline {

// One new migration in the deploy plan.
struct PlannedMigration {
  std::string app;
  std::string name;
  std::string path;
  StageVerdict verdict;
  bool after_deploy = false;  // placed after the deploy (post-deploy, or carried there)
  std::string carried_by;     // `Safe.always()` placed after the deploy: the migration it follows
  std::vector<std::string> rollback;  // post-deploy: what a code rollback after it finds gone
};

// The migrations new since a base, in the order `migrate` applies them, each with its stage
// (core/safety/deploy_stage), and what makes that order impossible to split around a deploy.
struct DeployPlan {
  DeployConvention convention = DeployConvention::Off;
  std::vector<PlannedMigration> migrations;
  // stage-inversion and stage-mixed (errors), stage-unreadable (warnings),
  // post-deploy-deferrable (notes).
  Diagnostics findings;

  // True when a finding makes the plan impossible.
  bool impossible() const { return has_errors(findings); }
};

// Plans the migrations of `project` whose paths are not in `base_paths` (sorted): their stages
// read from `source` by the convention of the project's config, in Django's `migrate` order
// (leaves sorted, each one's ancestors depth-first, parents in sorted order).
DeployPlan plan_deploy(const Project& project, const FileSource& source,
                       const std::vector<std::string>& base_paths);

}  // namespace migline
