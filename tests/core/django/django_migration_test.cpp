#include "core/django/django_migration.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace migline {
namespace {

const SwappableSettings kNoSettings;

DjangoMigration read_ok(std::string_view source, const SwappableSettings& settings = kNoSettings) {
  auto result = read_django_migration("app/migrations/0002_x.py", source, settings);
  if (!result) {
    for (const Diagnostic& d : result.error()) FAIL(format_diagnostic(d, false));
  }
  return *result;
}

// The first diagnostic, formatted exactly as users see it.
std::string read_error(std::string_view source, const SwappableSettings& settings = kNoSettings) {
  auto result = read_django_migration("app/migrations/0002_x.py", source, settings);
  REQUIRE_FALSE(result);
  return format_diagnostic(result.error().front(), false);
}

std::string keys(const std::vector<MigrationRef>& refs) {
  std::string out;
  for (const MigrationRef& r : refs) out += r.app + "." + r.name + ";";
  return out;
}

}  // namespace

TEST_CASE("reader extracts dependencies - replaces and run_before") {
  auto m = read_ok(R"(from django.db import migrations


class Migration(migrations.Migration):

    replaces = [("app", "0001_initial"), ("app", "0002_a")]

    dependencies = [
        ("app", "0001_initial"),  # the parent
        ('other', '0003_b'),
    ]

    run_before = (("third", "0001_initial"),)

    operations = [migrations.RunPython(lambda a, s: None)]
)");
  CHECK(keys(m.replaces) == "app.0001_initial;app.0002_a;");
  CHECK(keys(m.dependencies) == "app.0001_initial;other.0003_b;");
  CHECK(keys(m.run_before) == "third.0001_initial;");
  CHECK(m.class_span.line == 4);
}

TEST_CASE("reader sees each operation's class and model") {
  const DjangoMigration m = read_ok(R"(
class Migration(migrations.Migration):
    operations = [
        migrations.CreateModel(
            name="Refund",
            fields=[("id", models.AutoField(primary_key=True)), ("name", models.CharField())],
        ),
        migrations.AddField(model_name="order", name="status", field=models.CharField()),
        migrations.AlterField("Order", "total", models.DecimalField()),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        RunSQL("SELECT 1"),
    ]
)");
  std::string seen;
  for (const MigrationOperation& op : m.operations) seen += op.type + ":" + op.model + ";";
  CHECK(seen == "CreateModel:refund;AddField:order;AlterField:order;RunPython:;RunSQL:;");
}

TEST_CASE("reader ignores operations it cannot read") {
  CHECK(read_ok("class Migration:\n    operations = make_operations()\n").operations.empty());
  CHECK(read_ok("class Migration:\n    operations = [x for x in y]\n").operations.empty());
}

TEST_CASE("reader records the position of every name literal") {
  const std::string source = "class Migration:\n    dependencies = [(\"app\", '0001_initial')]\n";
  auto m = read_ok(source);
  const MigrationRef& ref = m.dependencies.at(0);
  CHECK(source.substr(ref.name_span.offset, ref.name_span.length) == "'0001_initial'");
  CHECK(source.substr(ref.span.offset, ref.span.length) == "(\"app\", '0001_initial')");
  CHECK(ref.span.line == 2);
  CHECK(ref.span.column == 21);
  CHECK(ref.plain);
}

TEST_CASE("reader evaluates every literal form") {
  auto m = read_ok(
      "class Migration:\n"
      "    dependencies = [\n"
      "        (r'app', u\"0001_\" 'initial'),\n"
      "        ('''app''', \"\"\"0002_b\"\"\",),\n"
      "        (\n"
      "            'app',\n"
      "            '0003_\\x63',\n"
      "        ),\n"
      "        (\"app\", \\\n"
      "         \"0004_d\")\n"
      "    ]\n");
  CHECK(keys(m.dependencies) == "app.0001_initial;app.0002_b;app.0003_c;app.0004_d;");
  CHECK_FALSE(m.dependencies[0].plain);  // implicit concatenation cannot be rewritten in place
  CHECK(m.dependencies[1].plain);
}

TEST_CASE("reader resolves swappable dependencies through settings") {
  const std::string source =
      "from django.conf import settings\n"
      "class Migration:\n"
      "    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL),\n"
      "                    swappable_dependency(settings.ORG_MODEL),\n"
      "                    migrations.swappable_dependency('billing.Account')]\n";
  SwappableSettings settings{{"ORG_MODEL", "orgs.Organization"}};
  auto m = read_ok(source, settings);
  CHECK(keys(m.dependencies) == "auth.__first__;orgs.__first__;billing.__first__;");
  CHECK(m.dependencies[0].setting == "AUTH_USER_MODEL");
  SwappableSettings custom{{"AUTH_USER_MODEL", "accounts.User"}, {"ORG_MODEL", "o.O"}};
  CHECK(read_ok(source, custom).dependencies[0].app == "accounts");
}

TEST_CASE("reader resolves an app's own settings object through its qualified key") {
  // django-oauth-toolkit's 0011_refreshtoken_token_family.py
  const std::string source =
      "from oauth2_provider.settings import oauth2_settings\n"
      "class Migration:\n"
      "    dependencies = [migrations.swappable_dependency(oauth2_settings.REFRESH_TOKEN_MODEL)]\n";
  auto m = read_ok(source);
  REQUIRE(m.dependencies.size() == 1);
  CHECK(m.dependencies[0].unknown_app());
  CHECK(m.dependencies[0].setting == "oauth2_settings.REFRESH_TOKEN_MODEL");
  CHECK(m.dependencies[0].setting_expression() == "oauth2_settings.REFRESH_TOKEN_MODEL");
  const SwappableSettings stated{{"oauth2_settings.REFRESH_TOKEN_MODEL", "tokens.Refresh"}};
  CHECK(keys(read_ok(source, stated).dependencies) == "tokens.__first__;");
  // the bare setting name is another key: Django's settings hold no REFRESH_TOKEN_MODEL
  const SwappableSettings bare{{"REFRESH_TOKEN_MODEL", "tokens.Refresh"}};
  CHECK(read_ok(source, bare).dependencies[0].unknown_app());
  const std::string call =
      read_error("class Migration:\n    dependencies = [swappable_dependency(get_model())]\n");
  CHECK(call.substr(0, call.find('\n')) ==
        "app/migrations/0002_x.py:2:51: error: expected '.', found '('");
}

TEST_CASE("reader adds literal lists and reads both branches of a condition") {
  // django-allauth's socialaccount/migrations/0001_initial.py
  auto m = read_ok(
      "class Migration:\n"
      "    dependencies = (\n"
      "        [(\"sites\", \"0001_initial\")]\n"
      "        if app_settings.SITES_ENABLED\n"
      "        else []\n"
      "    ) + [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]\n"
      "    replaces = [('app', '0001_a')] + [('app', '0002_b')] + []\n"
      "    run_before = (('x', '1'),) if  not  FLAG  else (('y', '2'),)\n");
  CHECK(keys(m.dependencies) == "sites.0001_initial;auth.__first__;");
  CHECK(m.dependencies[0].condition == "app_settings.SITES_ENABLED");
  CHECK(m.dependencies[0].condition_holds);
  CHECK(m.dependencies[0].plain);  // still rewritten in place by resolve
  CHECK_FALSE(m.dependencies[1].conditional());
  CHECK(keys(m.replaces) == "app.0001_a;app.0002_b;");
  CHECK_FALSE(m.replaces[0].conditional());
  CHECK(keys(m.run_before) == "x.1;y.2;");
  CHECK(m.run_before[0].condition == "not FLAG");
  CHECK(m.run_before[0].condition_holds);
  CHECK(m.run_before[1].condition == "not FLAG");
  CHECK_FALSE(m.run_before[1].condition_holds);
}

TEST_CASE("reader refuses what a sum or a condition cannot say statically") {
  auto first_line = [](std::string_view value) {
    const std::string e =
        read_error("class Migration:\n    dependencies = " + std::string(value) + "\n");
    return e.substr(0, e.find('\n'));
  };
  CHECK(first_line("[('a', '1')] + DEPS") ==
        "app/migrations/0002_x.py:2:35: error: `dependencies` is not a literal list and cannot "
        "be evaluated statically");
  CHECK(first_line("[('a', '1')] if X else DEPS") ==
        "app/migrations/0002_x.py:2:43: error: `dependencies` is not a literal list and cannot "
        "be evaluated statically");
  CHECK(first_line("[('a', '1')] + (('b', '2'),)") ==
        "app/migrations/0002_x.py:2:33: error: `dependencies` adds a list and a tuple, which "
        "Python refuses");
  CHECK(first_line("[('a', '1')] if X") ==
        "app/migrations/0002_x.py:2:37: error: expected `else` of the conditional expression, "
        "found end of line");
  CHECK(first_line("[] if A else ([('a', '1')] if B else [])") ==
        "app/migrations/0002_x.py:2:23: error: `dependencies` nests one condition in another and "
        "cannot be evaluated statically");
}

TEST_CASE("reader leaves a computed replaces for .migline.yaml to state") {
  auto m = read_ok(
      "class Migration:\n"
      "    replaces = applied_migrations('core')\n"
      "    dependencies = [('core', '0001_initial')]\n");
  CHECK(m.replaces.empty());
  CHECK(m.computed_replaces.line == 2);
  CHECK(m.computed_replaces.column == 5);
  auto block = read_ok(
      "class Migration:\n"
      "    if connection.vendor == 'postgresql':\n"
      "        replaces = [('core', '0001_initial')]\n");
  CHECK(block.computed_replaces.line == 3);
  CHECK(read_ok("class Migration:\n    replaces = [('a', '1')]\n").computed_replaces.length == 0);
  // dependencies stay refused: they decide the graph, and nothing can state them
  CHECK_FALSE(
      read_django_migration("m.py", "class Migration:\n    dependencies = deps()\n", kNoSettings));
}

TEST_CASE("reader is not fooled by the same words elsewhere") {
  auto m = read_ok(R"(
"""Module docstring: class Migration: dependencies = [("ghost", "1")]"""
DEPS = [("ghost", "2")]

def helper():
    dependencies = [("ghost", "3")]

class Other:
    dependencies = [("ghost", "4")]

class Migration(migrations.Migration):
    """dependencies = [("ghost", "5")]"""
    # dependencies = [("ghost", "6")]
    dependencies = [("app", "0001_initial")]

    def describe(self):
        run_before = [("ghost", "7")]
        return run_before

    class Meta:
        replaces = [("ghost", "8")]

    operations = [migrations.RunSQL("dependencies = [('ghost', '9')]")]

class NotMigration:
    dependencies = [("ghost", "10")]
)");
  CHECK(keys(m.dependencies) == "app.0001_initial;");
  CHECK(m.replaces.empty());
  CHECK(m.run_before.empty());
}

TEST_CASE("reader takes the last definition - as Python does") {
  auto m = read_ok(
      "class Migration:\n    dependencies = [('a', '1')]\n"
      "class Migration:\n    dependencies = [('a', '2')]\n    dependencies = [('a', '3')]\n");
  CHECK(keys(m.dependencies) == "a.3;");
}

TEST_CASE("reader accepts annotations - semicolons and one-line bodies") {
  CHECK(keys(read_ok("class Migration:\n    dependencies: list = [('a', '1')]\n").dependencies) ==
        "a.1;");
  CHECK(
      keys(read_ok("class Migration: dependencies = [('a', '1')]; replaces = []\n").dependencies) ==
      "a.1;");
  CHECK(read_ok("class Migration(migrations.Migration):\n    pass\n").dependencies.empty());
}

TEST_CASE("reader diagnoses what it cannot evaluate - exactly") {
  CHECK(read_error("class Migration:\n    dependencies = [('app', '0001')] + EXTRA\n") ==
        "app/migrations/0002_x.py:2:40: error: `dependencies` is not a literal list and cannot "
        "be evaluated statically\n"
        "    dependencies = [('app', '0001')] + EXTRA\n"
        "                                       ^\n"
        "hint: migline reads migrations without running them; write a literal list of "
        "(\"app_label\", \"migration_name\") tuples\n");
  CHECK(read_error("class Migration:\n    dependencies = BASE\n") ==
        "app/migrations/0002_x.py:2:20: error: `dependencies` is not a literal list and cannot "
        "be evaluated statically\n"
        "    dependencies = BASE\n"
        "                   ^\n"
        "hint: migline reads migrations without running them; write a literal list of "
        "(\"app_label\", \"migration_name\") tuples\n");
  CHECK(read_error("class Migration:\n    dependencies = [('app', NAME)]\n") ==
        "app/migrations/0002_x.py:2:29: error: expected a string literal, found 'NAME'\n"
        "    dependencies = [('app', NAME)]\n"
        "                            ^\n"
        "hint: migline reads migrations without running them; write a literal list of "
        "(\"app_label\", \"migration_name\") tuples\n");
  CHECK(read_error("class Migration:\n\tdependencies += [('a', '1')]\n") ==
        "app/migrations/0002_x.py:2:15: error: `dependencies` is changed with '+=' and cannot "
        "be evaluated statically\n"
        "\tdependencies += [('a', '1')]\n"
        "\t             ^\n"
        "hint: migline reads migrations without running them; write a literal list of "
        "(\"app_label\", \"migration_name\") tuples\n");
}

TEST_CASE("reader diagnoses every other unevaluable form") {
  auto message = [](std::string_view source) {
    auto result = read_django_migration("m.py", source, kNoSettings);
    REQUIRE_FALSE(result);
    return result.error().front().message;
  };
  CHECK(message("class Migration:\n    if X:\n        dependencies = []\n") ==
        "`dependencies` is set inside a block and cannot be evaluated statically");
  CHECK(message("class Migration:\n    x = dependencies = []\n") ==
        "`dependencies` is set in a chained assignment and cannot be evaluated statically");
  CHECK(message("class Migration:\n    dependencies = [('a', f'{x}')]\n") ==
        "f-string placeholder cannot be evaluated statically");
  CHECK(message("class Migration:\n    dependencies = [('a', b'1')]\n") ==
        "bytes literal is not a str");
  CHECK(message("class Migration:\n    dependencies = [['a', '1']]\n") ==
        "expected a (\"app_label\", \"migration_name\") tuple, found '['");
  CHECK(message("class Migration:\n    dependencies = [('a', '1', '2')]\n") ==
        "expected ')' closing the (app_label, migration_name) tuple, found ''2''");
  CHECK(message("class Migration:\n    dependencies = (('a', '1'))\n") ==
        "`dependencies` is a parenthesized entry, not a tuple of entries");
  CHECK(message("class Migration:\n    dependencies.append(('a', '1'))\n") ==
        "`dependencies` is changed with '.' and cannot be evaluated statically");
  CHECK(message("class Migration:\n    pass\nMigration.dependencies = []\n") ==
        "`Migration` is changed after its definition");
  CHECK(message("def Migration():\n    pass\n") == "no top-level `class Migration`");
  CHECK(message("if True:\n    class Migration:\n        pass\n") ==
        "no top-level `class Migration`");
  CHECK(message("class Migration:\n    dependencies = [\n") == "'[' was never closed");
}

TEST_CASE("reader leaves the app of a setting that is not configured unknown") {
  auto result = read_django_migration(
      "m.py", "class Migration:\n    dependencies = [swappable_dependency(settings.X)]\n",
      kNoSettings);
  REQUIRE(result);
  REQUIRE(result->dependencies.size() == 1);
  const MigrationRef& ref = result->dependencies.front();
  CHECK(ref.unknown_app());
  CHECK(ref.setting == "X");
  CHECK(ref.name == "__first__");
  CHECK(ref.span.line == 2);
  CHECK(ref.span.column == 21);
}

TEST_CASE("reader follows the swapper library's dependency()") {
  const SwappableSettings settings{{"PKI_CA_MODEL", "custom.Ca"},
                                   {"AUTH_USER_MODEL", "users.User"}};
  auto refs = [&](std::string_view list) {
    const std::string source = "class Migration:\n    dependencies = [" + std::string(list) + "]\n";
    auto result = read_django_migration("m.py", source, settings);
    REQUIRE(result);
    std::vector<std::string> out;
    for (const MigrationRef& r : result->dependencies) out.push_back(r.app + "." + r.name);
    return out;
  };
  CHECK(refs("swapper.dependency('users', 'Organization')") ==
        std::vector<std::string>{"users.__first__"});
  CHECK(refs("dependency('pki', 'Ca')") == std::vector<std::string>{"custom.__first__"});
  CHECK(refs("swapper.dependency('users', 'Group', version='0004_x',)") ==
        std::vector<std::string>{"users.0004_x"});
  CHECK(refs("dependency(*split(settings.AUTH_USER_MODEL), version='0002_y')") ==
        std::vector<std::string>{"users.0002_y"});
  CHECK(refs("swapper.dependency(*swapper.split(settings.X))") ==
        std::vector<std::string>{".__first__"});
  auto message = [](std::string_view list) {
    const std::string source = "class Migration:\n    dependencies = [" + std::string(list) + "]\n";
    auto result = read_django_migration("m.py", source, kNoSettings);
    REQUIRE_FALSE(result);
    return result.error().front().message;
  };
  CHECK(message("swapper.dependency(APP, 'Model')") == "expected a string literal, found 'APP'");
  CHECK(message("swapper.load_model('a', 'B')") == "expected `dependency`, found 'load_model'");
  CHECK(message("dependency(*get(settings.X))") == "expected `split(settings.NAME)`, found 'get'");
  CHECK(message("dependency('a', 'B', other='c')") ==
        "expected ')' closing `dependency(`, found 'other'");
}

TEST_CASE("reader tells a module without `class Migration` by its rule") {
  auto result = read_django_migration("m.py", "import sqlite3\nFROM_VERSION = 1\n", kNoSettings);
  REQUIRE_FALSE(result);
  REQUIRE(result.error().size() == 1);
  CHECK(result.error().front().rule == kNoMigrationClassRule);
  auto broken = read_django_migration("m.py", "def f(:\n", kNoSettings);
  REQUIRE_FALSE(broken);
  CHECK(broken.error().front().rule != kNoMigrationClassRule);
}

TEST_CASE("reader reports several problems in one file") {
  auto result = read_django_migration(
      "m.py", "class Migration:\n    dependencies = X\n    run_before = Y\n", kNoSettings);
  REQUIRE_FALSE(result);
  CHECK(result.error().size() == 2);
}

TEST_CASE("reader never crashes on truncated input") {
  const std::string full =
      "class Migration(migrations.Migration):\n    dependencies = [(\"app\", \"0001\"),\n"
      "        migrations.swappable_dependency(settings.AUTH_USER_MODEL)]\n"
      "    replaces = [('a', '1')]\n";
  for (std::size_t n = 0; n <= full.size(); ++n) {
    auto result = read_django_migration("m.py", std::string_view(full).substr(0, n), kNoSettings);
    if (n == full.size()) CHECK(result.has_value());
  }
}

}  // namespace migline
