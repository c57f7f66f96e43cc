#include "core/plan/linearize.hpp"

#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "core/django/django_graph.hpp"
#include "core/django/merge_migration.hpp"

namespace migline {
namespace {

// A small project read from source texts, as the loader would read it.
struct Tree {
  std::vector<std::string> texts;
  std::vector<DjangoMigration> migrations;
  MigrationGraph graph;

  Tree(const std::vector<std::tuple<std::string, std::string, std::string>>& files) {
    for (const auto& file : files) texts.push_back(std::get<2>(file));
    std::set<std::string> apps;
    for (std::size_t i = 0; i < files.size(); ++i) {
      const auto& [app, name, text] = files[i];
      auto m = read_django_migration(app + "/migrations/" + name + ".py", texts[i], {});
      REQUIRE(m);
      m->app = app;
      m->name = name;
      migrations.push_back(*m);
      apps.insert(app);
    }
    Diagnostics diagnostics;
    graph = build_django_graph(migrations, apps, diagnostics);
    REQUIRE(diagnostics.empty());
  }
  std::vector<std::string_view> sources() const {
    return std::vector<std::string_view>(texts.begin(), texts.end());
  }
  int node(const std::string& app, const std::string& name) const {
    auto n = graph.find(app, name);
    REQUIRE(n);
    return *n;
  }
  // Each edited file's new text, by index.
  std::map<int, std::string> apply(const ResolutionPlan& plan) const {
    std::map<int, std::vector<TextEdit>> edits;
    for (const MigrationEdit& e : plan.edits) edits[e.migration].push_back(e.edit);
    std::map<int, std::string> out;
    for (auto& [i, list] : edits) out[i] = apply_edits(texts[static_cast<std::size_t>(i)], list);
    return out;
  }
  std::string renames(const ResolutionPlan& plan) const {
    std::string out;
    for (const MigrationRename& r : plan.renames) {
      out += migrations[static_cast<std::size_t>(r.migration)].name + "->" + r.new_name + ";";
    }
    return out;
  }
};

std::string deps(const std::string& list) {
  return "from django.db import migrations\n\nclass Migration(migrations.Migration):\n"
         "    dependencies = [" +
         list + "]  # keep me\n    operations = []\n";
}

TEST_CASE("linearize renumbers the whole moving chain after the other side") {
  Tree tree({{"orders", "0001_initial", deps("")},
             {"orders", "0002_main", deps("('orders', '0001_initial')")},
             {"orders", "0002_a", deps("(\"orders\", \"0001_initial\")")},
             {"orders", "0003_b", deps("('orders', '0002_a'), ('shop', '0001_initial')")},
             {"shop", "0001_initial", deps("")},
             {"shop", "0002_uses_b", deps("('orders', u'0003_b')")}});
  DivergentSet set{"orders", tree.node("orders", "0002_main"), {tree.node("orders", "0003_b")}};
  auto plan = plan_linearization(tree.migrations, tree.sources(), tree.graph, {set});
  REQUIRE(plan);
  CHECK(tree.renames(*plan) == "0002_a->0003_a;0003_b->0004_b;");
  const auto edited = tree.apply(*plan);
  REQUIRE(edited.size() == 3);
  // Only the string literals change, quotes and comments stay byte for byte.
  CHECK(edited.at(2) == deps("(\"orders\", \"0002_main\")"));
  CHECK(edited.at(3) == deps("('orders', '0003_a'), ('shop', '0001_initial')"));
  CHECK(edited.at(5) == deps("('orders', u'0004_b')"));
}

TEST_CASE("linearize keeps names without a number and the digit count") {
  Tree tree({{"a", "0099_base", deps("")},
             {"a", "0100_main", deps("('a', '0099_base')")},
             {"a", "custom", deps("('a', '0099_base')")},
             {"a", "0100_mine", deps("('a', 'custom')")}});
  DivergentSet set{"a", tree.node("a", "0100_main"), {tree.node("a", "0100_mine")}};
  auto plan = plan_linearization(tree.migrations, tree.sources(), tree.graph, {set});
  REQUIRE(plan);
  CHECK(tree.renames(*plan) == "0100_mine->0101_mine;");
  CHECK(tree.apply(*plan).at(2) == deps("('a', '0100_main')"));
}

TEST_CASE("linearize refuses a root with no dependency to re-point") {
  Tree tree({{"a", "0001_one", deps("")}, {"a", "0001_two", deps("")}});
  DivergentSet set{"a", tree.node("a", "0001_one"), {tree.node("a", "0001_two")}};
  auto plan = plan_linearization(tree.migrations, tree.sources(), tree.graph, {set});
  REQUIRE_FALSE(plan);
  CHECK(plan.error() ==
        "cannot move a.0001_two: it has no dependency on an earlier migration of 'a' to "
        "re-point; use `--strategy merge`");
}

TEST_CASE("dangling references are repaired when exactly one migration matches") {
  Tree tree({{"orders", "0001_initial", deps("")},
             {"orders", "0004_status", deps("('orders', '0001_initial')")},
             {"orders", "0002_x", deps("('orders', '0001_initial')")},
             {"orders", "0003_x", deps("('orders', '0002_x')")}});
  std::vector<DjangoMigration> migrations = tree.migrations;
  std::vector<std::string> texts = {deps("('orders', '0003_status')"),
                                    deps("('orders', '0009_x')")};
  for (const std::string& text : texts) {
    auto m = read_django_migration("billing/migrations/0002_y.py", text, {});
    REQUIRE(m);
    m->app = "billing";
    m->name = "0002_y";
    migrations.push_back(*m);
  }
  std::vector<std::string_view> sources = tree.sources();
  sources.insert(sources.end(), texts.begin(), texts.end());
  const ResolutionPlan plan = plan_dangling_repairs(migrations, sources, {"billing", "orders"});
  REQUIRE(plan.edits.size() == 1);  // 0009_x has two candidates
  CHECK(plan.edits[0].migration == 4);
  CHECK(plan.edits[0].description == "('orders', '0003_status') -> '0004_status'");
  CHECK(apply_edits(texts[0], {plan.edits[0].edit}) == deps("('orders', '0004_status')"));
}

TEST_CASE("known renames are asked for only when a reference dangles, and then once") {
  Tree tree({{"orders", "0001_initial", deps("")},
             {"orders", "0002_new_name", deps("('orders', '0001_initial')")}});
  int asked = 0;
  const auto renames = [&] {
    ++asked;
    return KnownRenames{{{"orders", "0002_old_name"}, "0002_new_name"}};
  };
  CHECK(plan_dangling_repairs(tree.migrations, tree.sources(), {"orders"}, renames).edits.empty());
  CHECK(asked == 0);

  std::vector<DjangoMigration> migrations = tree.migrations;
  const std::string text = deps("('orders', '0002_old_name')");
  for (const char* name : {"0003_next", "0004_last"}) {
    auto m = read_django_migration(std::string("orders/migrations/") + name + ".py", text, {});
    REQUIRE(m);
    m->app = "orders";
    m->name = name;
    migrations.push_back(*m);
  }
  std::vector<std::string_view> sources = tree.sources();
  sources.insert(sources.end(), {text, text});
  const ResolutionPlan plan = plan_dangling_repairs(migrations, sources, {"orders"}, renames);
  CHECK(asked == 1);
  REQUIRE(plan.edits.size() == 2);
  CHECK(plan.edits[0].description == "('orders', '0002_old_name') -> '0002_new_name'");
}

TEST_CASE("merge migrations are named and shaped as makemigrations --merge does") {
  CHECK(merge_migration_name({"0003_b", "0004_a"}, "20261121_1200") == "0005_merge_0003_b_0004_a");
  CHECK(merge_migration_name({"custom", "other"}, "20261121_1200") == "0002_merge_custom_other");
  CHECK(merge_migration_name({"0003_a_very_long_migration_name", "0003_another_long_one_here"},
                             "20261121_1200") == "0004_merge_20261121_1200");
  CHECK(render_merge_migration("orders", {"0003_b", "0003_a"}, "# Generated by migline") ==
        "# Generated by migline\n\nfrom django.db import migrations\n\n\n"
        "class Migration(migrations.Migration):\n\n    dependencies = [\n"
        "        ('orders', '0003_a'),\n        ('orders', '0003_b'),\n    ]\n\n"
        "    operations = [\n    ]\n");
}

}  // namespace
}  // namespace migline
