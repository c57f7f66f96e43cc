#include "core/plan/side_choice.hpp"

#include <map>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "core/django/django_graph.hpp"

namespace migline {
namespace {

// One app, `orders`: 0001 <- 0002 <- {0003_a, 0003_b <- 0004_b}; two leaves, 0003_a and 0004_b.
struct Fork {
  std::vector<DjangoMigration> migrations;
  MigrationGraph graph;

  Fork() {
    add("0001_initial", "");
    add("0002_b", "0001_initial");
    add("0003_a", "0002_b");
    add("0003_b", "0002_b");
    add("0004_b", "0003_b");
    Diagnostics diagnostics;
    graph = build_django_graph(migrations, {"orders"}, diagnostics);
    REQUIRE(diagnostics.empty());
    REQUIRE(graph.leaves("orders").size() == 2);
  }
  void add(const std::string& name, const std::string& parent) {
    DjangoMigration m;
    m.app = "orders";
    m.name = name;
    m.path = "orders/migrations/" + name + ".py";
    if (!parent.empty()) {
      MigrationRef ref;
      ref.app = "orders";
      ref.name = parent;
      m.dependencies.push_back(ref);
    }
    migrations.push_back(m);
  }
  int node(const std::string& name) const { return *graph.find("orders", name); }
  std::string name(int node) const { return graph.nodes()[static_cast<std::size_t>(node)].name; }
  // Facts with the given leaf sides (in graph.leaves order, by leaf name) and published names.
  SideFacts facts(const std::map<std::string, std::string>& sides,
                  const std::set<std::string>& published = {}) const {
    SideFacts f;
    for (int leaf : graph.leaves("orders")) {
      auto it = sides.find(name(leaf));
      f.leaf_sides.push_back(it == sides.end() ? "" : it->second);
    }
    f.published.resize(graph.nodes().size());
    for (const std::string& p : published) f.published[static_cast<std::size_t>(node(p))] = true;
    f.protected_name = "main";
    f.operation_in_progress = !sides.empty();
    return f;
  }
  // "stay:move" of a choice, by names.
  std::string describe(const DivergentSet& set) const {
    std::string out = name(set.kept) + ":";
    for (int m : set.moving) out += name(m);
    return out;
  }
};

}  // namespace

TEST_CASE("choose_moving_side: the incoming side moves when nothing is published") {
  Fork fork;
  auto chosen = choose_moving_side(fork.graph, "orders",
                                   fork.facts({{"0003_a", "ours"}, {"0004_b", "theirs"}}));
  REQUIRE(chosen);
  CHECK(fork.describe(*chosen) == "0003_a:0004_b");
  chosen = choose_moving_side(fork.graph, "orders",
                              fork.facts({{"0003_a", "theirs"}, {"0004_b", "ours"}}));
  REQUIRE(chosen);
  CHECK(fork.describe(*chosen) == "0004_b:0003_a");
}

TEST_CASE("choose_moving_side: with no operation, every leaf but the first moves") {
  Fork fork;
  auto chosen = choose_moving_side(fork.graph, "orders", fork.facts({}));
  REQUIRE(chosen);
  CHECK(fork.describe(*chosen) == "0003_a:0004_b");
}

TEST_CASE("choose_moving_side: a published chain stays, even when it is incoming") {
  Fork fork;
  auto chosen = choose_moving_side(
      fork.graph, "orders",
      fork.facts({{"0003_a", "ours"}, {"0004_b", "theirs"}}, {"0001_initial", "0003_b"}));
  REQUIRE(chosen);
  CHECK(fork.describe(*chosen) == "0004_b:0003_a");
}

TEST_CASE("choose_moving_side: two published chains are refused with the merge hint") {
  Fork fork;
  auto chosen = choose_moving_side(fork.graph, "orders", fork.facts({}, {"0003_a", "0004_b"}));
  REQUIRE_FALSE(chosen);
  CHECK(chosen.error().message ==
        "orders: 0003_a, 0004_b are all published on main; moving them would rewrite history");
  CHECK(chosen.error().hint == kMergeStrategyHint);
}

TEST_CASE("choose_moving_side: --move picks the side, and never moves a published chain") {
  Fork fork;
  auto chosen = choose_moving_side(fork.graph, "orders", [&] {
    SideFacts f = fork.facts({{"0003_a", "ours"}, {"0004_b", "theirs"}});
    f.move = "ours";
    return f;
  }());
  REQUIRE(chosen);
  CHECK(fork.describe(*chosen) == "0004_b:0003_a");

  SideFacts published = fork.facts({{"0003_a", "ours"}, {"0004_b", "theirs"}}, {"0003_b"});
  published.move = "theirs";
  chosen = choose_moving_side(fork.graph, "orders", published);
  REQUIRE_FALSE(chosen);
  CHECK(chosen.error().message == "orders: moving 0004_b would move migrations published on main");

  SideFacts no_operation = fork.facts({});
  no_operation.move = "ours";
  chosen = choose_moving_side(fork.graph, "orders", no_operation);
  REQUIRE_FALSE(chosen);
  CHECK(chosen.error().message == "--move ours needs a merge, rebase or cherry-pick in progress");

  SideFacts nothing_from_side = fork.facts({{"0003_a", "ours"}, {"0004_b", "ours"}});
  nothing_from_side.move = "theirs";
  chosen = choose_moving_side(fork.graph, "orders", nothing_from_side);
  REQUIRE_FALSE(chosen);
  CHECK(chosen.error().message == "orders: no leaf came from theirs");
}

}  // namespace migline
