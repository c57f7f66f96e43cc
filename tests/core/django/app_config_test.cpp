#include "core/django/app_config.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("app label comes from the AppConfig class body") {
  auto label = read_app_label("shop/users/apps.py",
                              "from django.apps import AppConfig\n\n"
                              "class UsersConfig(AppConfig):\n"
                              "    name = 'shop.users'\n"
                              "    label = \"accounts\"  # renamed\n");
  REQUIRE(label);
  REQUIRE(*label);
  CHECK((*label)->label == "accounts");
  CHECK((*label)->span.line == 5);
}

TEST_CASE("apps.py without a label gives none") {
  auto label = read_app_label("apps.py",
                              "class C(AppConfig):\n    name = 'x'\n    def ready(self):\n"
                              "        label = 'not_this'\n");
  REQUIRE(label);
  CHECK_FALSE(*label);
}

TEST_CASE("several labels pick the default config - or are an error") {
  auto chosen = read_app_label(
      "apps.py",
      "class A(AppConfig):\n    label = 'a'\nclass B(AppConfig):\n    default = True\n"
      "    label = 'b'\n");
  REQUIRE(chosen);
  CHECK((*chosen)->label == "b");
  auto ambiguous = read_app_label(
      "apps.py", "class A(AppConfig):\n    label = 'a'\nclass B(AppConfig):\n    label = 'b'\n");
  REQUIRE_FALSE(ambiguous);
  CHECK(format_diagnostic(ambiguous.error().front(), false) ==
        "apps.py:4:13: error: several AppConfig classes set different labels ('a' and 'b')\n"
        "    label = 'b'\n"
        "            ^\n"
        "hint: write `label = \"...\"` as a string literal, or map the app's directory to its "
        "label under `labels:` in .migline.yaml\n");
}

TEST_CASE("a computed label is an error") {
  auto label = read_app_label("apps.py", "class A(AppConfig):\n    label = PREFIX + 'x'\n");
  REQUIRE_FALSE(label);
  CHECK(label.error().front().message == "`label` is not a string literal");
  CHECK(label.error().front().column == 13);
}

}  // namespace migline
