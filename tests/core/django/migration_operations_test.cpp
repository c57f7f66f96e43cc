#include "core/django/migration_operations.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace migline {
namespace {

MigrationOperations read(std::string_view operations, std::string_view before = "") {
  static std::string source;
  source = std::string(before) +
           "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
           "    dependencies = []\n    operations = [\n" +
           std::string(operations) + "    ]\n";
  return read_migration_operations("shop/migrations/0002_x.py", source);
}

}  // namespace

TEST_CASE("operations: type, model, field and column kwargs with their spans") {
  auto m = read(R"(        migrations.AddField(
            model_name="Order",
            name="total",
            field=models.DecimalField(max_digits=8, decimal_places=2, null=True, db_column="t"),
        ),
        migrations.RemoveField("order", "note"),
)");
  REQUIRE(m.found);
  REQUIRE(m.operations.size() == 2);
  const Operation& add = m.operations[0];
  CHECK(add.type == "AddField");
  CHECK(add.model == "order");
  CHECK(add.field == "total");
  CHECK(add.span.line == 7);
  CHECK(add.span.column == 9);
  CHECK(add.last_line == 11);
  REQUIRE(add.definition);
  CHECK(add.definition->known);
  CHECK(add.definition->cls == "DecimalField");
  CHECK(add.definition->get("null", "False").text == "True");
  CHECK(add.definition->get("db_column", "").text == "'t'");
  CHECK(add.definition->get("max_digits", "").text == "8");
  CHECK(add.definition->get("unique", "False").text == "False");  // absent: Django's default
  CHECK(m.operations[1].type == "RemoveField");
  CHECK(m.operations[1].model == "order");
  CHECK(m.operations[1].field == "note");
}

TEST_CASE("operations: what only running the code would tell is unknown, never guessed") {
  auto m = read(R"(        migrations.AddField("order", "a", make_field()),
        migrations.AddField("order", "b", models.CharField(max_length=MAX, null=settings.NULL)),
        migrations.AddField("order", "c", models.CharField(**options)),
        migrations.AlterModelTable("order", table_name()),
)");
  REQUIRE(m.operations.size() == 4);
  CHECK_FALSE(m.operations[0].definition->known);
  const FieldDefinition& b = *m.operations[1].definition;
  CHECK_FALSE(b.get("max_length", "").known);
  CHECK(b.get("max_length", "").text.empty());  // a bare name may differ from file to file
  CHECK_FALSE(b.get("null", "False").known);
  CHECK(b.get("null", "False").text == "settings.NULL");  // but a dotted one compares
  CHECK_FALSE(m.operations[2].definition->get("null", "False").known);
  REQUIRE(m.operations[3].db_table);
  CHECK_FALSE(m.operations[3].db_table->known);
}

TEST_CASE("operations: CreateModel fields and options, unique_together forms") {
  auto m = read(R"(        migrations.CreateModel(
            name="Order",
            fields=[("id", models.AutoField(primary_key=True)), ("code", models.CharField(max_length=5))],
            options={"db_table": "orders", "unique_together": {("code", "id")}},
        ),
        migrations.AlterUniqueTogether(name="order", unique_together=("code", "id")),
        migrations.AlterUniqueTogether(name="order", unique_together=set()),
        migrations.AlterUniqueTogether(name="order", unique_together=TOGETHER),
)");
  REQUIRE(m.operations.size() == 4);
  const Operation& create = m.operations[0];
  CHECK(create.fields_known);
  REQUIRE(create.fields.size() == 2);
  CHECK(create.fields[1].first == "code");
  CHECK(create.fields[1].second.get("max_length", "").text == "5");
  CHECK(create.db_table->text == "'orders'");
  CHECK(*create.unique_together == std::vector<std::string>{"('code', 'id')"});
  CHECK(*m.operations[1].unique_together == std::vector<std::string>{"('code', 'id')"});
  CHECK(m.operations[2].unique_together->empty());
  CHECK_FALSE(m.operations[3].unique_together);
}

TEST_CASE("operations: reversibility, lambdas and SeparateDatabaseAndState") {
  auto m = read(R"(        migrations.RunPython(lambda apps, editor: None),
        migrations.RunPython(forwards, lambda apps, editor: None),
        migrations.RunPython(forwards, reverse_code=None),
        migrations.RunSQL("DROP TABLE x", migrations.RunSQL.noop),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL("SELECT 1")],
            state_operations=[migrations.RemoveField("order", "note")],
        ),
        IgnoreMigration(),
)");
  REQUIRE(m.operations.size() == 6);
  CHECK_FALSE(m.operations[0].reversible);
  CHECK(m.operations[1].reversible);
  CHECK_FALSE(m.operations[2].reversible);
  CHECK(m.operations[3].reversible);
  const Operation& separate = m.operations[4];
  CHECK(separate.separate);
  REQUIRE(separate.database_operations.size() == 1);
  CHECK(separate.database_operations[0].type == "RunSQL");
  REQUIRE(separate.state_operations.size() == 1);
  CHECK(separate.state_operations[0].field == "note");
  CHECK(m.ignored);
}

TEST_CASE("operations: allow comments with and without reasons") {
  auto m = read(
      R"(        migrations.RemoveField("order", "note"),  # migline: allow remove-field -- gone
        migrations.DeleteModel("Old"),  #migline:allow delete-model,rename-model
        migrations.DeleteModel("Text", "# migline: allow in a string is not a comment"),
)");
  REQUIRE(m.allows.size() == 2);
  CHECK(m.allows[0].line == 7);
  CHECK(m.allows[0].rules == std::vector<std::string>{"remove-field"});
  CHECK(m.allows[0].reason == "gone");
  CHECK(m.allows[1].rules == std::vector<std::string>{"delete-model", "rename-model"});
  CHECK(m.allows[1].reason.empty());
}

TEST_CASE("operations: deep nesting and garbage end the reading without a crash") {
  std::string deep = "        migrations.AddField(\"order\", \"x\", models.JSONField(\"x\", " +
                     std::string(300, '[') + std::string(300, ']') + ")),\n";
  auto m = read(deep);
  REQUIRE(m.operations.size() == 1);
  CHECK(m.operations[0].definition->known);
  CHECK_FALSE(m.operations[0].definition->get("null", "False").known);  // positional garbage
  std::string calls = "        migrations.AddField(\"order\", \"x\", ";
  for (int i = 0; i < 100000; ++i) calls += "f(";
  calls += std::string(100000, ')') + "),\n";
  auto nested = read(calls);
  REQUIRE(nested.operations.size() == 1);
  CHECK_FALSE(nested.operations[0].definition->known);
  CHECK_FALSE(read("        *base_operations, migrations.DeleteModel(\"x\"),\n").found);
  auto odd = read("        migrations.DeleteModel(\"x\") if X else None,\n");
  REQUIRE(odd.operations.size() == 1);
  CHECK(odd.operations[0].type.empty());
}

}  // namespace migline
