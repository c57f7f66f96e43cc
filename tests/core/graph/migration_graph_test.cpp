#include "core/graph/migration_graph.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

namespace migline {
namespace {

std::string names(const MigrationGraph& g, const std::vector<int>& ids) {
  std::string out;
  for (int id : ids) out += g.nodes()[static_cast<std::size_t>(id)].name + " ";
  return out;
}

}  // namespace

TEST_CASE("a neutral graph: nodes by app, edges, leaves and order within an app") {
  MigrationGraph g;
  g.reserve(4);
  const int shop = g.intern_app("shop");
  const int auth = g.intern_app("auth");
  CHECK(g.intern_app("shop") == shop);
  CHECK(g.app_id("auth") == auth);
  CHECK(g.app_id("billing") == -1);
  CHECK(g.app_label(auth) == "auth");
  const int a = g.add_node(shop, "0001_a", 0);
  const int c = g.add_node(shop, "0002_c", 1);
  const int b = g.add_node(shop, "0002_b", 2);
  const int u = g.add_node(auth, "0001_u", 3);
  g.add_edge(c, a);
  g.add_edge(b, a);
  g.add_edge(b, u);
  g.link_edges();
  g.add_edge(a, u);  // linked at once
  g.finish_edges();
  CHECK(g.node_of(2) == b);
  CHECK(g.app_of(u) == auth);
  CHECK(g.nodes()[static_cast<std::size_t>(a)].parents == std::vector<int>{u});
  CHECK(g.nodes()[static_cast<std::size_t>(u)].children == std::vector<int>{a, b});
  CHECK(names(g, g.leaves("shop")) == "0002_b 0002_c ");
  CHECK(names(g, g.leaves("auth")) == "0001_u ");  // children in other apps do not count
  CHECK(names(g, g.ordered("shop")) == "0001_a 0002_b 0002_c ");
  CHECK(g.apps() == std::vector<std::string>{"auth", "shop"});
  CHECK(g.find("shop", "0002_c") == c);
  CHECK_FALSE(g.find("shop", "0003_x"));
  CHECK(g.cycles().empty());
}

TEST_CASE("a neutral graph: a removed node is not found, listed, ordered or in a cycle") {
  MigrationGraph g;
  g.reserve(3);
  const int app = g.intern_app("a");
  const int one = g.add_node(app, "0001", 0);
  const int two = g.add_node(app, "0002", 1);
  const int three = g.add_node(app, "0003", 2);
  g.add_edge(two, one);
  g.add_edge(one, two);
  g.add_edge(three, two);
  g.link_edges();
  REQUIRE(g.cycles() == std::vector<std::vector<int>>{{one, two}});
  g.remove_node(two);
  g.add_edge(three, one);
  g.finish_edges();
  CHECK(g.lookup(app, "0002") == -1);
  CHECK_FALSE(g.find("a", "0002"));
  CHECK(g.nodes()[static_cast<std::size_t>(three)].parents == std::vector<int>{one});
  CHECK(g.cycles().empty());
  CHECK(names(g, g.leaves("a")) == "0003 ");
  CHECK(names(g, g.ordered("a")) == "0001 0003 ");
}

TEST_CASE("a neutral graph: a missing target is a node without a migration, never a leaf") {
  MigrationGraph g;
  g.reserve(1);
  const int app = g.intern_app("a");
  const int one = g.add_node(app, "0001", 0);
  const int missing = g.add_node(app, "0000_gone", -1);
  g.add_edge(one, missing);
  g.add_external(ExternalDependency{0, "auth", "__first__"});
  g.link_edges();
  g.finish_edges();
  CHECK(g.lookup(app, "0000_gone") == missing);
  CHECK(names(g, g.leaves("a")) == "0001 ");
  CHECK(names(g, g.ordered("a")) == "0001 ");
  REQUIRE(g.external_dependencies().size() == 1);
  CHECK(g.external_dependencies()[0].app == "auth");
}

}  // namespace migline
