#include <string>

#include <catch2/catch.hpp>

#include "core/django/django_graph.hpp"

// Shapes of 100,000 migrations that a quadratic step would make slow: each must build, with
// the leaves it should have and no findings. No timing assertion: a regression shows up as a
// test that takes minutes.
namespace migline {
namespace {

constexpr int kMigrations = 100000;

MigrationRef ref(std::string app, std::string name) {
  MigrationRef r;
  r.app = std::move(app);
  r.name = std::move(name);
  return r;
}

std::string app_name(int a) {
  return "app" + std::to_string(a);
}
std::string step(int n) {
  return std::to_string(10000 + n) + "_step";
}

DjangoMigration migration(std::string app, std::string name) {
  DjangoMigration m;
  m.path = app + "/migrations/" + name + ".py";
  m.app = std::move(app);
  m.name = std::move(name);
  return m;
}

// `apps` apps of `per_app` migrations each, every one depending on the one before it in its
// app; `cross` adds that many references to other apps per migration, every third one to
// `__first__` or `__latest__`, all to apps numbered lower (so there is no cycle).
std::vector<DjangoMigration> chains(int apps, int per_app, int cross) {
  std::vector<DjangoMigration> out;
  out.reserve(static_cast<std::size_t>(apps) * static_cast<std::size_t>(per_app));
  for (int a = 0; a < apps; ++a) {
    for (int n = 0; n < per_app; ++n) {
      DjangoMigration m = migration(app_name(a), step(n));
      if (n > 0) m.dependencies.push_back(ref(app_name(a), step(n - 1)));
      for (int r = 0; r < cross && a > 0; ++r) {
        const int other = (a * 7 + n * 13 + r * 31) % a;
        if (r % 3 == 0) {
          m.dependencies.push_back(ref(app_name(other), r % 2 ? "__latest__" : "__first__"));
        } else {
          m.dependencies.push_back(ref(app_name(other), step((n + r) % per_app)));
        }
      }
      out.push_back(std::move(m));
    }
  }
  return out;
}

struct Built {
  MigrationGraph graph;
  Diagnostics diagnostics;
};

Built build(const std::vector<DjangoMigration>& migrations) {
  std::set<std::string> apps;
  for (const DjangoMigration& m : migrations) apps.insert(m.app);
  Built b;
  b.graph = build_django_graph(migrations, apps, b.diagnostics);
  return b;
}

// The names of the leaves of every app, when each has exactly one; otherwise "".
std::string single_leaves(const Built& b) {
  std::string out;
  for (const std::string& app : b.graph.apps()) {
    const std::vector<int> leaves = b.graph.leaves(app);
    if (leaves.size() != 1) return "";
    out = b.graph.nodes()[static_cast<std::size_t>(leaves.front())].name;
  }
  return out;
}

}  // namespace

TEST_CASE("shape: one app of 100,000 migrations") {
  auto b = build(chains(1, kMigrations, 0));
  CHECK(b.diagnostics.empty());
  CHECK(single_leaves(b) == step(kMigrations - 1));
  CHECK(b.graph.ordered(app_name(0)).size() == kMigrations);
}

TEST_CASE("shape: 10,000 apps of 10, each starting after the last of the one before") {
  std::vector<DjangoMigration> ms = chains(10000, 10, 0);
  for (int a = 1; a < 10000; ++a) {
    ms[static_cast<std::size_t>(a) * 10].dependencies.push_back(ref(app_name(a - 1), "__latest__"));
  }
  auto b = build(ms);
  CHECK(b.diagnostics.empty());
  CHECK(b.graph.apps().size() == 10000);
  CHECK(single_leaves(b) == step(9));
  const auto& first = b.graph.nodes()[static_cast<std::size_t>(*b.graph.find("app9999", step(0)))];
  CHECK(first.parents == std::vector<int>{*b.graph.find("app9998", step(9))});
}

TEST_CASE("shape: dense cross-app references, a third of them __first__ or __latest__") {
  auto b = build(chains(1000, 100, 6));
  CHECK(b.diagnostics.empty());
  CHECK(b.graph.apps().size() == 1000);
  CHECK(single_leaves(b) == step(99));
  // app1's __latest__ is its last migration, __first__ its first.
  const auto& m = b.graph.nodes()[static_cast<std::size_t>(*b.graph.find("app2", step(0)))];
  CHECK(std::count(m.parents.begin(), m.parents.end(), *b.graph.find("app0", step(0))) == 1);
}

TEST_CASE("shape: every migration squashed once") {
  // 100 apps: 500 migrations, then 500 squashes each replacing two of them.
  std::vector<DjangoMigration> ms = chains(100, 500, 0);
  const std::size_t originals = ms.size();
  for (std::size_t i = 0; i < originals; i += 2) {
    const DjangoMigration& a = ms[i];
    const DjangoMigration& b = ms[i + 1];
    DjangoMigration squash = migration(a.app, a.name + "_squashed_" + b.name);
    squash.dependencies = a.dependencies;
    squash.replaces = {ref(a.app, a.name), ref(b.app, b.name)};
    ms.push_back(std::move(squash));
  }
  auto b = build(ms);
  CHECK(b.diagnostics.empty());
  CHECK(single_leaves(b) == step(498) + "_squashed_" + step(499));
  CHECK_FALSE(b.graph.find(app_name(5), step(7)));
  CHECK(b.graph.ordered(app_name(5)).size() == 250);
}

}  // namespace migline
