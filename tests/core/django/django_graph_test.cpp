#include "core/django/django_graph.hpp"

#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

namespace migline {
namespace {

using Refs = std::vector<std::pair<std::string, std::string>>;

std::vector<MigrationRef> refs(const Refs& pairs) {
  std::vector<MigrationRef> out;
  int line = 3;
  for (const auto& [app, name] : pairs) {
    MigrationRef r;
    r.app = app;
    r.name = name;
    r.span.line = line++;
    r.span.column = 9;
    out.push_back(r);
  }
  return out;
}

DjangoMigration migration(std::string app, std::string name, const Refs& deps = {},
                          const Refs& replaces = {}, const Refs& run_before = {}) {
  DjangoMigration m;
  m.path = app + "/migrations/" + name + ".py";
  m.app = std::move(app);
  m.name = std::move(name);
  m.class_span.line = 1;
  m.class_span.column = 7;
  m.dependencies = refs(deps);
  m.replaces = refs(replaces);
  m.run_before = refs(run_before);
  return m;
}

struct Built {
  MigrationGraph graph;
  Diagnostics diagnostics;
};

Built build(const std::vector<DjangoMigration>& ms, std::set<std::string> apps = {}) {
  for (const auto& m : ms) apps.insert(m.app);
  Built b;
  b.graph = build_django_graph(ms, apps, b.diagnostics);
  sort_diagnostics(b.diagnostics);
  return b;
}

std::string leaves(const Built& b, const std::string& app) {
  std::string out;
  for (int id : b.graph.leaves(app)) out += b.graph.nodes()[id].name + " ";
  return out;
}

std::string messages(const Built& b) {
  std::string out;
  for (const Diagnostic& d : b.diagnostics) {
    out += d.path + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " +
           d.message + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("a chain has one leaf - a fork two") {
  auto chain = build({migration("a", "0001"), migration("a", "0002", {{"a", "0001"}})});
  CHECK(leaves(chain, "a") == "0002 ");
  CHECK(chain.diagnostics.empty());
  auto fork = build({migration("a", "0001"), migration("a", "0002_x", {{"a", "0001"}}),
                     migration("a", "0002_y", {{"a", "0001"}})});
  CHECK(leaves(fork, "a") == "0002_x 0002_y ");
  auto merged = build({migration("a", "0001"), migration("a", "0002_x", {{"a", "0001"}}),
                       migration("a", "0002_y", {{"a", "0001"}}),
                       migration("a", "0003_merge", {{"a", "0002_x"}, {"a", "0002_y"}})});
  CHECK(leaves(merged, "a") == "0003_merge ");
}

TEST_CASE("cross-app dependencies never make a leaf") {
  auto b = build({migration("a", "0001"), migration("b", "0001", {{"a", "0001"}})});
  CHECK(leaves(b, "a") == "0001 ");
  CHECK(leaves(b, "b") == "0001 ");
}

TEST_CASE("run_before adds the reversed edge") {
  auto b = build({migration("a", "0001"),
                  migration("a", "0002_x", {{"a", "0001"}}, {}, {{"a", "0002_y"}}),
                  migration("a", "0002_y", {{"a", "0001"}})});
  CHECK(leaves(b, "a") == "0002_y ");
}

TEST_CASE("a squash replaces its targets - whether their files remain or not") {
  std::vector<DjangoMigration> kept = {
      migration("a", "0001"), migration("a", "0002", {{"a", "0001"}}),
      migration("a", "0001_squashed_0002", {}, {{"a", "0001"}, {"a", "0002"}, {"a", "0000_gone"}}),
      migration("a", "0003", {{"a", "0002"}}), migration("b", "0001", {{"a", "0001"}})};
  auto b = build(kept);
  CHECK(leaves(b, "a") == "0003 ");
  CHECK_FALSE(b.graph.find("a", "0001"));
  const auto& squash = b.graph.nodes()[*b.graph.find("a", "0001_squashed_0002")];
  CHECK(squash.children.size() == 2);  // a.0003 and b.0001, re-pointed
  CHECK(b.diagnostics.empty());

  std::vector<DjangoMigration> deleted = {
      migration("a", "0001_squashed_0002", {}, {{"a", "0001"}, {"a", "0002"}}),
      migration("a", "0003", {{"a", "0002"}}), migration("b", "0001", {{"a", "0001"}})};
  auto d = build(deleted);
  CHECK(leaves(d, "a") == "0003 ");
  CHECK(d.diagnostics.empty());
}

TEST_CASE("__first__ and __latest__ resolve to the other app's root and leaf") {
  auto b = build({migration("a", "0001"), migration("a", "0002", {{"a", "0001"}}),
                  migration("b", "0001", {{"a", "__latest__"}, {"b", "__first__"}}),
                  migration("c", "0001", {{"a", "__first__"}})});
  CHECK(b.diagnostics.empty());
  CHECK(b.graph.nodes()[*b.graph.find("b", "0001")].parents ==
        std::vector<int>{*b.graph.find("a", "0002")});
  CHECK(b.graph.nodes()[*b.graph.find("c", "0001")].parents ==
        std::vector<int>{*b.graph.find("a", "0001")});
}

TEST_CASE("the order migrations are given in does not change the graph") {
  // Two roots of `a`, given last name first: __first__ is still root_nodes(a)[0], by name.
  std::vector<DjangoMigration> given = {migration("b", "0001", {{"a", "__first__"}}),
                                        migration("a", "0003", {{"a", "0002"}}),
                                        migration("a", "0002"), migration("a", "0001"),
                                        migration("c", "0001", {{"a", "__latest__"}})};
  for (int round = 0; round < 2; ++round) {
    auto b = build(given);
    CHECK(b.graph.nodes()[*b.graph.find("b", "0001")].parents ==
          std::vector<int>{*b.graph.find("a", "0001")});
    CHECK(b.graph.nodes()[*b.graph.find("c", "0001")].parents ==
          std::vector<int>{*b.graph.find("a", "0001")});
    CHECK(leaves(b, "a") == "0001 0003 ");
    std::reverse(given.begin(), given.end());
  }
}

TEST_CASE("__latest__ sees same-app edges run_before added earlier in the external phase") {
  // Django resolves while it adds external edges, in (app, name) order: b.0001 comes before
  // z.0002's run_before makes z.0003 its child, zz.0001 after (checked against Django 3.2).
  auto b =
      build({migration("z", "0001"), migration("z", "0002", {{"z", "0001"}}, {}, {{"z", "0003"}}),
             migration("z", "0003", {{"z", "0001"}}), migration("b", "0001", {{"z", "__latest__"}}),
             migration("zz", "0001", {{"z", "__latest__"}})});
  CHECK(b.diagnostics.empty());
  CHECK(b.graph.nodes()[*b.graph.find("b", "0001")].parents ==
        std::vector<int>{*b.graph.find("z", "0002")});
  CHECK(b.graph.nodes()[*b.graph.find("zz", "0001")].parents ==
        std::vector<int>{*b.graph.find("z", "0003")});
}

TEST_CASE("dependencies on apps without a migrations package are external") {
  auto b = build({migration("a", "0001", {{"auth", "0012_x"}, {"contenttypes", "__first__"}})});
  CHECK(b.diagnostics.empty());
  REQUIRE(b.graph.external_dependencies().size() == 2);
  CHECK(b.graph.external_dependencies()[0].app == "auth");
}

TEST_CASE("graph errors name the file and the entry that declares them") {
  auto dangling = build({migration("a", "0001"), migration("a", "0002", {{"a", "0001"}}),
                         migration("b", "0001", {{"a", "0009_missing"}}),
                         migration("b", "0002", {{"b", "0001"}}, {}, {{"a", "0007_nope"}})});
  CHECK(messages(dangling) ==
        "b/migrations/0001.py:3:9: depends on a.0009_missing, which does not exist\n"
        "b/migrations/0002.py:3:9: run_before names a.0007_nope, which does not exist\n");
  CHECK(dangling.diagnostics[0].hint == "the migrations of 'a' end at 0002");

  auto cycle =
      build({migration("a", "0001", {{"a", "0002"}}), migration("a", "0002", {{"a", "0001"}})});
  CHECK(messages(cycle) ==
        "a/migrations/0001.py:3:9: circular dependency between a.0001, a.0002\n");

  auto self_latest = build({migration("a", "0001", {{"a", "__latest__"}})});
  CHECK(messages(self_latest) ==
        "a/migrations/0001.py:3:9: depends on a.__latest__, which does not exist\n");

  auto empty = build({migration("a", "0001", {{"empty", "__first__"}})}, {"empty"});
  CHECK(messages(empty) ==
        "a/migrations/0001.py:3:9: depends on app 'empty', which has no "
        "migrations\n");
}

TEST_CASE("cross-app cycles are found too") {
  auto b =
      build({migration("a", "0001", {{"b", "0001"}}), migration("b", "0001", {{"a", "0001"}})});
  CHECK(messages(b) == "a/migrations/0001.py:3:9: circular dependency between a.0001, b.0001\n");
}

TEST_CASE("a 100000-migration chain builds without deep recursion") {
  std::vector<DjangoMigration> chain;
  for (int i = 0; i < 100000; ++i) {
    chain.push_back(
        i == 0 ? migration("a", "m0")
               : migration("a", "m" + std::to_string(i), {{"a", "m" + std::to_string(i - 1)}}));
  }
  auto b = build(chain);
  CHECK(b.diagnostics.empty());
  CHECK(leaves(b, "a") == "m99999 ");
  CHECK(b.graph.ordered("a").size() == 100000);
}

TEST_CASE("ordered lists parents before children") {
  auto b = build({migration("a", "0003", {{"a", "0002"}}), migration("a", "0002", {{"a", "0001"}}),
                  migration("a", "0001")});
  std::string order;
  for (int id : b.graph.ordered("a")) order += b.graph.nodes()[id].name + " ";
  CHECK(order == "0001 0002 0003 ");
}

}  // namespace migline
