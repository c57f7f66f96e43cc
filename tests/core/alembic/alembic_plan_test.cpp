#include "core/alembic/alembic_plan.hpp"

#include <catch2/catch.hpp>

namespace migline {

namespace {

std::string file(const std::string& rev, const std::string& down, const std::string& revises) {
  return "\"\"\"x\n\nRevision ID: " + rev + "\nRevises: " + revises +
         "\nCreate Date: 2026\n\n\"\"\"\nrevision = '" + rev + "'\ndown_revision = " + down +
         "  # keep me\nbranch_labels = None\n";
}

AlembicHistory history_of(const std::map<std::string, std::string>& sources) {
  std::vector<AlembicRevision> revisions;
  for (const auto& [path, text] : sources) revisions.push_back(*read_alembic_revision(path, text));
  Diagnostics d;
  return build_alembic_history("v", revisions, d);
}

}  // namespace

TEST_CASE("alembic plan: numbered files move after the rest, other names never") {
  const std::map<std::string, std::string> numbered = {
      {"v/0001_initial.py", file("a", "None", "")},
      {"v/0002_users.py", file("b", "'a'", "a")},
      {"v/0002_orders.py", file("c1", "'a'", "a")},
      {"v/0003_items.py", file("c2", "'c1'", "c1")},
  };
  AlembicHistory h = history_of(numbered);
  REQUIRE(alembic_files_numbered(h));
  auto plan = plan_alembic_linearization(h, "b", "c2", numbered);
  REQUIRE(plan);
  REQUIRE(plan->renames.size() == 2);
  CHECK(plan->renames[0].path == "v/0002_orders.py");
  CHECK(plan->renames[0].new_path == "v/0003_orders.py");
  CHECK(plan->renames[1].path == "v/0003_items.py");
  CHECK(plan->renames[1].new_path == "v/0004_items.py");
  // Revisions that stay and share a number: not a counter after all, nothing renamed.
  std::map<std::string, std::string> shared = numbered;
  shared["v/0002_more.py"] = file("b2", "'b'", "b");
  plan = plan_alembic_linearization(history_of(shared), "b2", "c2", shared);
  REQUIRE(plan);
  CHECK(plan->renames.empty());
  // Hex ids and dates are no counter.
  CHECK(!alembic_files_numbered(
      history_of({{"v/1975ea83b712_initial.py", file("1975ea83b712", "None", "")}})));
  CHECK(!alembic_files_numbered(history_of({{"v/2024_01_01_a.py", file("a", "None", "")},
                                            {"v/2024_02_01_b.py", file("b", "'a'", "a")}})));
}

TEST_CASE("alembic plan: a checkout's rollback undoes what the new tree lacks or re-parents") {
  const std::map<std::string, std::string> old_tree = {
      {"v/a.py", file("a", "None", "")},
      {"v/f1.py", file("f1", "'a'", "a")},
      {"v/f2.py", file("f2", "'f1'", "f1")},
  };
  const AlembicHistory before = history_of(old_tree);
  AlembicRollback none = plan_alembic_rollback(before, &before);
  CHECK(none.removed.empty());
  // The new tree re-parented f1 onto m1: f1 and its descendant f2 go back to a first.
  std::map<std::string, std::string> new_tree = old_tree;
  new_tree["v/m1.py"] = file("m1", "'a'", "a");
  new_tree["v/f1.py"] = file("f1", "'m1'", "m1");
  const AlembicHistory after = history_of(new_tree);
  AlembicRollback moved = plan_alembic_rollback(before, &after);
  CHECK(moved.removed == std::vector<std::string>{"f1", "f2"});
  CHECK(moved.targets == std::vector<std::string>{"a"});
  AlembicRollback gone = plan_alembic_rollback(before, nullptr);
  CHECK(gone.removed == std::vector<std::string>{"a", "f1", "f2"});
  CHECK(gone.targets == std::vector<std::string>{"base"});
}

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
