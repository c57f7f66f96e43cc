#include "core/safety/deploy_stage.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace migline {
namespace {

struct Read {
  std::string source;
  MigrationOperations operations;
  DeployMarks marks;
};

// A migration with `imports` at the top, `body` in `class Migration` and `operations`.
Read read(std::string_view imports, std::string_view body, std::string_view operations = "",
          std::string_view class_comment = "") {
  Read r;
  r.source = "from django.db import migrations, models\n" + std::string(imports) +
             "\n\nclass Migration(migrations.Migration):" + std::string(class_comment) + "\n" +
             std::string(body) + "    operations = [\n" + std::string(operations) + "    ]\n";
  r.operations = read_migration_operations("shop/migrations/0002_x.py", r.source);
  r.marks = read_deploy_marks("shop/migrations/0002_x.py", r.source, r.operations);
  return r;
}

StageVerdict decide(const Read& r, DeployConvention convention = DeployConvention::Off) {
  return decide_deploy_stage(r.marks, r.operations, convention);
}

constexpr std::string_view kRemove = "        migrations.RemoveField(\"order\", \"note\"),\n";
constexpr std::string_view kAdd =
    "        migrations.AddField(\"order\", \"total\", models.IntegerField(null=True)),\n";

}  // namespace

TEST_CASE("deploy stage: syzygy's class mark in every import form") {
  const std::pair<std::string_view, std::string_view> forms[] = {
      {"from syzygy import Stage", "Stage.POST_DEPLOY"},
      {"from syzygy.constants import Stage", "Stage.POST_DEPLOY"},
      {"from syzygy import Stage as S", "S.POST_DEPLOY"},
      {"import syzygy", "syzygy.Stage.POST_DEPLOY"},
      {"import syzygy.constants", "syzygy.constants.Stage.POST_DEPLOY"},
      {"import syzygy.constants as sc", "sc.Stage.POST_DEPLOY"},
      {"from syzygy import constants", "constants.Stage.POST_DEPLOY"},
      {"from syzygy import *", "Stage.POST_DEPLOY"},
      {"import syzygy.constants", "syzygy.constants.Stage['POST_DEPLOY']"},  // Django's writer
      {"from syzygy import Stage", "Stage(\"post_deployment\")"},            // by value
      {"from syzygy import (\n    AmbiguousStage,\n    Stage,\n)", "Stage.POST_DEPLOY"},
  };
  for (const auto& [imports, value] : forms) {
    INFO(imports << " / " << value);
    const Read r = read(imports, "    stage = " + std::string(value) + "\n");
    CHECK(r.marks.unreadable.empty());
    const StageVerdict v = decide(r);
    CHECK(v.stage == DeployStage::PostDeploy);
    CHECK(v.origin == StageOrigin::Mark);
    CHECK(v.why == "marked `stage = " + std::string(value) + "` (syzygy)");
  }
  const Read pre = read("from syzygy import Stage", "    stage = Stage.PRE_DEPLOY\n", kRemove);
  CHECK(decide(pre, DeployConvention::Syzygy).stage == DeployStage::PreDeploy);
}

TEST_CASE("deploy stage: a stage migline cannot attribute to syzygy is a warning, not a guess") {
  for (std::string_view value : {"Stage.POST_DEPLOY", "Stage.LATER", "stage_of(__name__)"}) {
    INFO(value);
    const Read r = read("from myproject.stages import Stage",
                        "    stage = " + std::string(value) + "\n", kRemove);
    REQUIRE(r.marks.unreadable.size() == 1);
    CHECK(r.marks.unreadable[0].rule == "stage-unreadable");
    CHECK(r.marks.unreadable[0].severity == Severity::Warning);
    CHECK(r.marks.unreadable[0].line == 5);
    CHECK(r.marks.migration.empty());
    // Unmarked then: syzygy infers from the RemoveField.
    const StageVerdict v = decide(r, DeployConvention::Syzygy);
    CHECK(v.origin == StageOrigin::Inference);
    CHECK(v.stage == DeployStage::PostDeploy);
  }
}

TEST_CASE("deploy stage: syzygy's inference only under stages: syzygy") {
  const Read remove = read("", "", kRemove);
  StageVerdict v = decide(remove, DeployConvention::Syzygy);
  CHECK(v.stage == DeployStage::PostDeploy);
  CHECK(v.origin == StageOrigin::Inference);
  CHECK(v.why == "RemoveField is post-deploy by syzygy's inference");
  for (auto convention :
       {DeployConvention::Off, DeployConvention::Migline, DeployConvention::SafeMigrate}) {
    v = decide(remove, convention);
    CHECK(v.stage == DeployStage::PreDeploy);
    CHECK(v.origin == StageOrigin::Default);
  }
  CHECK(decide(remove, DeployConvention::SafeMigrate).either);

  v = decide(read("", "", kAdd), DeployConvention::Syzygy);
  CHECK(v.stage == DeployStage::PreDeploy);
  CHECK(v.origin == StageOrigin::Inference);
  CHECK(v.why == "no RemoveField or DeleteModel: pre-deploy by syzygy's inference");

  // A state-only removal is a SeparateDatabaseAndState to syzygy: pre-deploy.
  v = decide(read("", "",
                  "        migrations.SeparateDatabaseAndState(state_operations=[\n"
                  "            migrations.RemoveField(\"order\", \"note\"),\n        ]),\n"),
             DeployConvention::Syzygy);
  CHECK(v.stage == DeployStage::PreDeploy);

  // No operations: nothing to infer from.
  v = decide(read("", ""), DeployConvention::Syzygy);
  CHECK(v.stage == DeployStage::PreDeploy);
  CHECK(v.origin == StageOrigin::Default);
}

TEST_CASE("deploy stage: mixed operations are ambiguous, as syzygy says") {
  std::string both = std::string(kAdd) + std::string(kRemove);
  StageVerdict v = decide(read("", "", both), DeployConvention::Syzygy);
  REQUIRE(v.mixed);
  CHECK(*v.mixed ==
        "its operations mix stages: AddField (pre-deploy by syzygy's inference) and RemoveField "
        "(post-deploy by syzygy's inference)");
  CHECK(v.mixed_span.line == 7);
  // A class mark bypasses the inference.
  v = decide(read("from syzygy import Stage", "    stage = Stage.POST_DEPLOY\n", both),
             DeployConvention::Syzygy);
  CHECK_FALSE(v.mixed);
  CHECK(v.stage == DeployStage::PostDeploy);
  // Without syzygy's convention, nothing is inferred: both operations are pre-deploy.
  CHECK_FALSE(decide(read("", "", both)).mixed);
}

TEST_CASE("deploy stage: syzygy's marks on operations") {
  const Read r = read("from syzygy import Stage\nfrom syzygy import operations as so", "",
                      "        so.AlterField(\"order\", \"note\", models.TextField(null=True), "
                      "stage=Stage.POST_DEPLOY),\n");
  REQUIRE(r.marks.operations.size() == 1);
  CHECK(r.marks.operations[0].first == 0);
  StageVerdict v = decide(r);
  CHECK(v.stage == DeployStage::PostDeploy);
  CHECK(v.origin == StageOrigin::Mark);
  CHECK(v.why == "its operations are marked `stage=Stage.POST_DEPLOY` (syzygy)");

  // A marked post-deploy operation beside an unmarked (pre-deploy) one is mixed.
  v = decide(read("from syzygy import Stage", "",
                  std::string(kAdd) +
                      "        migrations.RunSQL(\"DROP TABLE x\", stage=Stage.POST_DEPLOY),\n"));
  REQUIRE(v.mixed);
  CHECK(v.mixed_span.line == 7);

  // syzygy's PostAddField (Django < 5) is post-deploy by its class.
  v = decide(read("import syzygy.operations", "",
                  "        syzygy.operations.PostAddField(\"order\", \"paid\", "
                  "models.BooleanField(default=False)),\n"));
  CHECK(v.stage == DeployStage::PostDeploy);
  CHECK(v.origin == StageOrigin::Mark);
}

TEST_CASE("deploy stage: safemigrate's current and older forms, aliased or not") {
  struct Case {
    std::string_view imports;
    std::string_view value;
    DeployStage stage;
    bool either;
    std::string_view delay;
  };
  const Case cases[] = {
      {"from django_safemigrate import Safe", "Safe.before_deploy()", DeployStage::PreDeploy, false,
       ""},
      {"from django_safemigrate import Safe", "Safe.after_deploy()", DeployStage::PostDeploy, false,
       ""},
      {"from django_safemigrate import Safe", "Safe.always()", DeployStage::PreDeploy, true, ""},
      {"from django_safemigrate import Safe", "Safe.before_deploy", DeployStage::PreDeploy, false,
       ""},
      {"from django_safemigrate import Safe", "Safe.after_deploy", DeployStage::PostDeploy, false,
       ""},
      {"from django_safemigrate import Safe", "Safe.always", DeployStage::PreDeploy, true, ""},
      {"from datetime import timedelta\nfrom django_safemigrate import Safe",
       "Safe.after_deploy(delay=timedelta(days=7))", DeployStage::PostDeploy, false,
       "timedelta(days=7)"},
      {"import datetime\nimport django_safemigrate as dsm",
       "dsm.Safe.after_deploy(delay=datetime.timedelta(hours=12))", DeployStage::PostDeploy, false,
       "datetime.timedelta(hours=12)"},
      {"from django_safemigrate import Safe as S", "S.before_deploy()", DeployStage::PreDeploy,
       false, ""},
  };
  for (const Case& c : cases) {
    INFO(c.value);
    const Read r = read(c.imports, "    safe = " + std::string(c.value) + "\n", kRemove);
    CHECK(r.marks.unreadable.empty());
    const StageVerdict v = decide(r, DeployConvention::Syzygy);
    CHECK(v.origin == StageOrigin::Mark);
    CHECK(v.stage == c.stage);
    CHECK(v.either == c.either);
    CHECK(v.delay == c.delay);
    CHECK(v.why == "marked `safe = " + std::string(c.value) + "` (safemigrate)");
  }
  // safemigrate 1.x's booleans are refused by its current releases: a warning here.
  const Read old = read("from django_safemigrate import Safe", "    safe = True\n");
  CHECK(old.marks.unreadable.size() == 1);
  // Unmarked under stages: safemigrate is Safe.always().
  const StageVerdict v = decide(read("", ""), DeployConvention::SafeMigrate);
  CHECK(v.either);
  CHECK(v.origin == StageOrigin::Default);
}

TEST_CASE("deploy stage: migline's own comment on the class line") {
  Read r = read("", "", kAdd, "  # migline: post-deploy");
  StageVerdict v = decide(r);
  CHECK(v.stage == DeployStage::PostDeploy);
  CHECK(v.origin == StageOrigin::Mark);
  CHECK(v.why == "marked `# migline: post-deploy`");
  // Elsewhere it is not a mark, and neither is an allow comment.
  r = read("", "    # migline: post-deploy\n", kAdd, "  # migline: allow remove-field -- x");
  CHECK(r.marks.migration.empty());
  // Two marks that disagree.
  r = read("from syzygy import Stage", "    stage = Stage.PRE_DEPLOY\n", kAdd,
           "  # migline: post-deploy");
  v = decide(r);
  REQUIRE(v.mixed);
  CHECK(*v.mixed ==
        "it is marked both `stage = Stage.PRE_DEPLOY` (syzygy) and `# migline: post-deploy`");
}

TEST_CASE("deploy stage: annotated marks, and hostile text never crashes") {
  const Read annotated =
      read("from syzygy import Stage", "    stage: Stage = Stage.POST_DEPLOY\n", kAdd);
  CHECK(decide(annotated).stage == DeployStage::PostDeploy);
  for (std::string_view text : {
           "from syzygy import Stage\nclass Migration:\n    stage = Stage['POST_DEPLOY'\n",
           "from syzygy import (\nclass Migration:\n    stage = Stage.POST_DEPLOY\n",
           "import\nfrom\nfrom syzygy import\nclass Migration:\n    stage =\n    safe = \n",
           "class Migration:\n    safe = Safe.after_deploy(delay=\n",
           "class Migration:  # migline:\n    stage = Stage[[[[[[[[[[]]]]]]]]]]\n",
           "class Migration(x):  # migline: post-deploy",
           "\xef\xbb\xbf"
           "class Migration:\r\n    stage = \"\\xff\"\r\n",
       }) {
    INFO(text);
    const MigrationOperations ops = read_migration_operations("x.py", text);
    const DeployMarks marks = read_deploy_marks("x.py", text, ops);
    const StageVerdict v = decide_deploy_stage(marks, ops, DeployConvention::Syzygy);
    CHECK_FALSE(v.why.empty());
  }
}

TEST_CASE("deploy stage: conventions by name") {
  for (std::string_view name : {"off", "syzygy", "safemigrate", "migline"}) {
    auto c = parse_deploy_convention(name);
    REQUIRE(c);
    CHECK(deploy_convention_name(*c) == name);
  }
  CHECK_FALSE(parse_deploy_convention("django-syzygy"));
}

}  // namespace migline
