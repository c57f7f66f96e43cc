#include "core/alembic/alembic_history.hpp"

#include <catch2/catch.hpp>

namespace migline {

namespace {

AlembicRevision rev(std::string id, std::vector<std::string> down,
                    std::vector<std::string> labels = {}, std::vector<std::string> depends = {}) {
  AlembicRevision r;
  r.path = "alembic/versions/" + id + ".py";
  r.revision = std::move(id);
  for (std::string& d : down) r.down_revisions.push_back({std::move(d), {}});
  for (std::string& l : labels) r.branch_labels.push_back({std::move(l), {}});
  for (std::string& d : depends) r.depends_on.push_back({std::move(d), {}});
  return r;
}

}  // namespace

TEST_CASE("alembic history: two revisions on one parent are divergent heads") {
  Diagnostics d;
  auto h = build_alembic_history("alembic", {rev("a", {}), rev("b", {"a"}), rev("c", {"a"})}, d);
  CHECK(d.empty());
  CHECK(h.head_ids() == std::vector<std::string>{"b", "c"});
  CHECK(h.divergent_groups().size() == 1);
}

TEST_CASE("alembic history: depends_on never removes a head, a merge does") {
  Diagnostics d;
  auto h = build_alembic_history("alembic",
                                 {rev("a", {}), rev("b", {"a"}), rev("c", {"a"}, {}, {"b"})}, d);
  CHECK(h.head_ids() == std::vector<std::string>{"b", "c"});
  auto merged = build_alembic_history(
      "alembic", {rev("a", {}), rev("b", {"a"}), rev("c", {"a"}), rev("m", {"b", "c"})}, d);
  CHECK(merged.head_ids() == std::vector<std::string>{"m"});
  CHECK(d.empty());
}

TEST_CASE("alembic history: separately labelled branches are not divergence") {
  Diagnostics d;
  auto h = build_alembic_history("alembic",
                                 {rev("a", {}), rev("e1", {"a"}, {"expand"}), rev("e2", {"e1"}),
                                  rev("c1", {"a"}, {"contract"}), rev("c2", {"c1"})},
                                 d);
  CHECK(d.empty());
  CHECK(h.head_ids() == std::vector<std::string>{"c2", "e2"});
  CHECK(h.head_branches == std::vector<std::vector<std::string>>{{"contract"}, {"expand"}});
  CHECK(h.divergent_groups().empty());
  CHECK(h.manifest_heads() == std::vector<std::string>{"contract@c2", "expand@e2"});
  // Two heads on one branch are divergence: the manifest shows plain ids.
  auto divergent = build_alembic_history(
      "alembic", {rev("a", {}), rev("e1", {"a"}, {"expand"}), rev("e2", {"e1"}), rev("e3", {"e1"})},
      d);
  CHECK(divergent.manifest_heads() == std::vector<std::string>{"e2", "e3"});
}

TEST_CASE("alembic history: missing parent, duplicate id, cycle, clash, long id") {
  Diagnostics missing;
  build_alembic_history("alembic", {rev("a", {"zzz"})}, missing);
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].rule == "missing-parent");
  Diagnostics dup;
  build_alembic_history("alembic", {rev("a", {}), rev("a", {})}, dup);
  REQUIRE(dup.size() == 1);
  CHECK(dup[0].rule == "duplicate-revision");
  Diagnostics cycle;
  auto h =
      build_alembic_history("alembic", {rev("a", {"b"}), rev("b", {"a"}), rev("c", {})}, cycle);
  REQUIRE(cycle.size() == 1);
  CHECK(cycle[0].rule == "cycle");
  CHECK(
      cycle[0].message ==
      "circular dependency between revisions a, b (alembic/versions/a.py, alembic/versions/b.py)");
  CHECK(h.broken);
  Diagnostics clash;
  build_alembic_history("alembic", {rev("a", {}, {"x"}), rev("b", {"a"}, {"x"})}, clash);
  REQUIRE(clash.size() == 1);
  CHECK(clash[0].rule == "branch-label-clash");
  Diagnostics long_id;
  build_alembic_history("alembic", {rev(std::string(33, 'a'), {})}, long_id);
  REQUIRE(long_id.size() == 1);
  CHECK(long_id[0].rule == "revision-id-too-long");
}

}  // namespace migline
