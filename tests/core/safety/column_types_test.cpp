#include "core/safety/column_types.hpp"

#include <string>

#include <catch2/catch.hpp>

#include "core/safety/column_change.hpp"

namespace migline {
namespace {

// The field of `AddField(..., field=<call>)` as the operations reader reads it.
FieldDefinition field(const std::string& call) {
  const std::string source =
      "from django.db import migrations, models\n\n\nclass Migration(migrations.Migration):\n"
      "    operations = [\n        migrations.AddField(model_name=\"m\", name=\"f\", field=" +
      call + "),\n    ]\n";
  const MigrationOperations ops = read_migration_operations("shop/0001.py", source);
  REQUIRE(ops.operations.size() == 1);
  REQUIRE(ops.operations[0].definition);
  return *ops.operations[0].definition;
}

Column column(const std::string& call, SafetyDatabase database = SafetyDatabase::PostgreSQL) {
  static const SwappableSettings kSettings = {{"AUTH_USER_MODEL", "accounts.User"}};
  const std::string app = "shop";
  ColumnContext context{database, app, kSettings, [](const std::string& model) {
                          return model == "shop.customer" ? std::string("bigint") : std::string();
                        }};
  return column_of(field(call), context);
}

std::string type(const std::string& call, SafetyDatabase database = SafetyDatabase::PostgreSQL) {
  return column(call, database).type;
}

ChangeKind kind(const std::string& before, const std::string& after,
                SafetyDatabase database = SafetyDatabase::PostgreSQL) {
  return classify_column_change(column(before, database), column(after, database), database).kind;
}

TEST_CASE("column types: Django's data_types per database") {
  CHECK(type("models.CharField(max_length=20)") == "varchar(20)");
  CHECK(type("models.CharField(max_length=None)") == "varchar");
  CHECK(type("models.SlugField()") == "varchar(50)");
  CHECK(type("models.EmailField()") == "varchar(254)");
  CHECK(type("models.TextField()") == "text");
  CHECK(type("models.TextField()", SafetyDatabase::MySQL) == "longtext");
  CHECK(type("models.DecimalField(max_digits=8, decimal_places=2)") == "numeric(8, 2)");
  CHECK(type("models.DecimalField(max_digits=8, decimal_places=2)", SafetyDatabase::SQLite) ==
        "decimal");
  CHECK(type("models.BigAutoField(primary_key=True)") == "bigint");
  CHECK(type("models.BigAutoField(primary_key=True)", SafetyDatabase::MySQL) ==
        "bigint AUTO_INCREMENT");
  CHECK(type("models.JSONField()") == "jsonb");
  CHECK(type("models.JSONField()", SafetyDatabase::MySQL) == "json");
  CHECK(type("models.DateTimeField()", SafetyDatabase::MySQL) == "datetime(6)");
  CHECK(column("models.PositiveIntegerField()").non_negative);
  CHECK_FALSE(column("models.PositiveIntegerField()", SafetyDatabase::MySQL).non_negative);
  CHECK(type("models.PositiveIntegerField()", SafetyDatabase::MySQL) == "integer UNSIGNED");
}

TEST_CASE("column types: arrays, third-party fields, columns that do not exist") {
  CHECK(type("django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), "
             "size=None)") == "text[]");
  CHECK(type("djorm_pgarray.fields.TextArrayField(dbtype='text')") == "text[]");
  CHECK(type("django_extensions.db.fields.AutoSlugField(populate_from='title')") == "varchar(50)");
  CHECK(type("wagtail.fields.StreamField([], use_json_field=True)") == "jsonb");
  CHECK(type("wagtail.core.fields.StreamField([])") == "text");
  CHECK(type("wagtail.fields.StreamField([], use_json_field=None)") == "text");
  CHECK(type("wagtail.fields.StreamField([])").empty());
  CHECK_FALSE(column("taggit.managers.TaggableManager(to='taggit.Tag')").exists);
  CHECK_FALSE(column("sortedm2m.fields.SortedManyToManyField(to='shop.tag')").exists);
  CHECK_FALSE(column("OrderedManyToManyField(to='shop.tag')").exists);
  CHECK_FALSE(column("babybuddy.models.TaggableManager(through='babybuddy.Tagged')").exists);
  CHECK_FALSE(column("django.contrib.contenttypes.fields.GenericRelation(to='shop.tag')").exists);
  // A class migline does not know is unknown, even when its name is a Django one.
  CHECK(type("ipam.fields.IPAddressField()").empty());
  CHECK_FALSE(column("ipam.fields.IPAddressField()").unknown.empty());
}

TEST_CASE("column types: foreign keys take the referenced key's type") {
  CHECK(type("models.ForeignKey(on_delete=models.CASCADE, to='shop.Customer')") == "bigint");
  CHECK(column("models.ForeignKey(on_delete=models.CASCADE, to='Customer')").references ==
        "shop.customer");
  CHECK(column("models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL)")
            .references == "accounts.user");
  CHECK(
      column("models.OneToOneField(on_delete=models.CASCADE, to='shop.customer')").implicit_unique);
  CHECK_FALSE(column("models.ForeignKey(db_constraint=False, on_delete=models.CASCADE, to='x.y')")
                  .constraint);
  CHECK(referencing_type("integer AUTO_INCREMENT", SafetyDatabase::MySQL) == "integer");
}

TEST_CASE("column changes: PostgreSQL's catalog-only and relaxing changes are safe") {
  CHECK(kind("models.CharField(max_length=20)", "models.CharField(max_length=40)") ==
        ChangeKind::Safe);
  CHECK(kind("models.CharField(max_length=20)", "models.TextField()") == ChangeKind::Safe);
  CHECK(kind("models.DecimalField(max_digits=8, decimal_places=2)",
             "models.DecimalField(max_digits=12, decimal_places=2)") == ChangeKind::Safe);
  CHECK(kind("models.PositiveIntegerField()", "models.IntegerField()") == ChangeKind::Safe);
  CHECK(kind("models.OneToOneField(on_delete=models.CASCADE, to='shop.customer')",
             "models.ForeignKey(on_delete=models.CASCADE, to='shop.customer')") ==
        ChangeKind::Safe);
  CHECK(kind("models.SlugField()", "django_extensions.db.fields.AutoSlugField()") ==
        ChangeKind::None);
  CHECK(kind("models.ForeignKey(on_delete=models.CASCADE, to='shop.Customer')",
             "models.ForeignKey(on_delete=models.PROTECT, related_name='x', to='shop.customer')") ==
        ChangeKind::None);
}

TEST_CASE("column changes: rewrites under lock and breaking changes") {
  CHECK(kind("models.IntegerField()", "models.BigIntegerField()") == ChangeKind::Rewrite);
  CHECK(kind("models.AutoField(primary_key=True)", "models.BigAutoField(primary_key=True)") ==
        ChangeKind::Rewrite);
  CHECK(kind("models.DateField()", "models.DateTimeField()") == ChangeKind::Rewrite);
  CHECK(kind("models.IntegerField()", "models.DecimalField(max_digits=14, decimal_places=2)") ==
        ChangeKind::Rewrite);
  CHECK(kind("models.IntegerField()", "models.DecimalField(max_digits=8, decimal_places=2)") ==
        ChangeKind::Breaking);
  CHECK(kind("models.CharField(max_length=40)", "models.CharField(max_length=20)") ==
        ChangeKind::Breaking);
  // The CHECK (>= 0) it gains is add-check-constraint's finding, not a column change.
  CHECK(kind("models.IntegerField()", "models.PositiveIntegerField()") == ChangeKind::None);
  CHECK(kind("models.BigIntegerField()", "models.IntegerField()") == ChangeKind::Breaking);
  CHECK(kind("models.CharField(max_length=20)", "models.IntegerField()") == ChangeKind::Breaking);
  CHECK(kind("ipam.fields.IPAddressField()", "ipam.fields.IPNetworkField()") ==
        ChangeKind::Unknown);
  CHECK(kind("ipam.fields.IPAddressField(help_text='a')", "ipam.fields.IPAddressField()") ==
        ChangeKind::None);
}

TEST_CASE("column changes: MySQL keeps a VARCHAR in place within its length bytes") {
  constexpr auto kMySQL = SafetyDatabase::MySQL;
  CHECK(kind("models.CharField(max_length=20)", "models.CharField(max_length=60)", kMySQL) ==
        ChangeKind::Safe);
  CHECK(kind("models.CharField(max_length=40)", "models.CharField(max_length=200)", kMySQL) ==
        ChangeKind::Rewrite);
  CHECK(kind("models.CharField(max_length=100)", "models.CharField(max_length=255)", kMySQL) ==
        ChangeKind::Safe);
  CHECK(kind("models.CharField(max_length=20)", "models.CharField(max_length=200)",
             SafetyDatabase::SQLite) == ChangeKind::Safe);
}

}  // namespace
}  // namespace migline
