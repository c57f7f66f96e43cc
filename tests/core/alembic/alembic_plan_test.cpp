#include "core/alembic/alembic_plan.hpp"

#include <catch2/catch.hpp>

namespace migline {

namespace {

std::string file(const std::string& rev, const std::string& down, const std::string& revises) {
  return "\"\"\"x\n\nRevision ID: " + rev + "\nRevises: " + revises +
         "\nCreate Date: 2026\n\n\"\"\"\nrevision = '" + rev + "'\ndown_revision = " + down +
         "  # keep me\nbranch_labels = None\n";
}

}  // namespace

TEST_CASE("alembic plan: the moving chain's root is re-parented, ids never change") {
  std::map<std::string, std::string> sources = {
      {"v/a.py", file("a", "None", "")},
      {"v/b.py", file("b", "'a'", "a")},
      {"v/c1.py", file("c1", "\"a\"", "a")},
      {"v/c2.py", file("c2", "'c1'", "c1")},
  };
  std::vector<AlembicRevision> revisions;
  for (const auto& [path, text] : sources) {
    auto r = read_alembic_revision(path, text);
    REQUIRE(r);
    revisions.push_back(*r);
  }
  Diagnostics d;
  const AlembicHistory h = build_alembic_history("v", revisions, d);
  REQUIRE(h.head_ids() == std::vector<std::string>{"b", "c2"});
  auto plan = plan_alembic_linearization(h, "b", "c2", sources);
  REQUIRE(plan);
  CHECK(plan->moved == std::vector<std::string>{"c1", "c2"});
  REQUIRE(plan->reparents.size() == 1);
  const AlembicReparent& re = plan->reparents[0];
  CHECK(re.path == "v/c1.py");
  CHECK(re.fork_point == "a");
  CHECK(apply_edits(sources["v/c1.py"], re.edits) == file("c1", "\"b\"", "b"));
  CHECK(alembic_downgrade_advice(re) ==
        "revision c1 moved: a database that already applied it would skip the other side's "
        "revisions (alembic_version stores only heads); on the branch that has it, run "
        "`alembic downgrade a` first");

  sources["v/c1.py"] = apply_edits(sources["v/c1.py"], re.edits);
  revisions.clear();
  for (const auto& [path, text] : sources) revisions.push_back(*read_alembic_revision(path, text));
  CHECK(build_alembic_history("v", revisions, d).head_ids() == std::vector<std::string>{"c2"});
  CHECK(d.empty());
}

TEST_CASE("alembic plan: a merge revision as `alembic merge heads` writes it") {
  const std::string text = render_alembic_merge_revision("1a2b3c4d5e6f", {"b", "c2"},
                                                         "2026-01-01 00:00:00.000000", false);
  auto r = read_alembic_revision("v/" + alembic_merge_file_name("1a2b3c4d5e6f"), text);
  REQUIRE(r);
  CHECK(r->revision == "1a2b3c4d5e6f");
  CHECK(r->down_revisions.size() == 2);
  CHECK(text.find("Revises: b, c2\n") != std::string::npos);
  auto typed = read_alembic_revision(
      "v/x.py", render_alembic_merge_revision("1a2b3c4d5e6f", {"b", "c2"}, "2026", true));
  REQUIRE(typed);
  CHECK(typed->annotated);
}

}  // namespace migline
