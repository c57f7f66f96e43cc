#include "core/alembic/alembic_revision.hpp"

#include <catch2/catch.hpp>

namespace migline {

namespace {

std::vector<std::string> ids(const std::vector<RevisionIdRef>& refs) {
  std::vector<std::string> out;
  for (const RevisionIdRef& r : refs) out.push_back(r.id);
  return out;
}

}  // namespace

TEST_CASE("alembic: the plain form, as `alembic revision` writes it") {
  const char* text =
      "\"\"\"add user email\n\nRevision ID: ae1027a6acf\nRevises: 1975ea83b712\n"
      "Create Date: 2026-01-01 00:00:00\n\n\"\"\"\nfrom alembic import op\n\n"
      "# revision identifiers, used by Alembic.\n"
      "revision = 'ae1027a6acf'\ndown_revision = '1975ea83b712'\nbranch_labels = None\n"
      "depends_on = None\n\n\ndef upgrade():\n    revision = 'local'\n    pass\n";
  auto r = read_alembic_revision("alembic/versions/ae1027a6acf_add.py", text);
  REQUIRE(r);
  CHECK(r->revision == "ae1027a6acf");
  CHECK(ids(r->down_revisions) == std::vector<std::string>{"1975ea83b712"});
  CHECK(r->branch_labels.empty());
  CHECK(r->depends_on.empty());
  CHECK_FALSE(r->annotated);
  REQUIRE(r->has_revises_line);
  CHECK(std::string(text).substr(r->revises_value.offset, r->revises_value.length) ==
        "1975ea83b712");
  CHECK(r->down_revisions[0].span.line == 12);
  CHECK(r->down_revisions[0].span.column == 17);
}

TEST_CASE("alembic: the annotated form of Alembic 1.13's template") {
  auto r =
      read_alembic_revision("v.py",
                            "from typing import Sequence, Union\n"
                            "revision: str = \"ae1027a6acf\"\n"
                            "down_revision: Union[str, Sequence[str], None] = (\"a1\", \"b2\")\n"
                            "branch_labels: Union[str, Sequence[str], None] = [\"expand\"]\n"
                            "depends_on: Union[str, Sequence[str], None] = \"core\"\n");
  REQUIRE(r);
  CHECK(r->annotated);
  CHECK(ids(r->down_revisions) == std::vector<std::string>{"a1", "b2"});
  CHECK(ids(r->branch_labels) == std::vector<std::string>{"expand"});
  CHECK(ids(r->depends_on) == std::vector<std::string>{"core"});
  CHECK_FALSE(r->has_revises_line);
}

TEST_CASE("alembic: Alembic's normalisation of sequences") {
  auto none = read_alembic_revision("v.py", "revision = 'a'\ndown_revision = ()\n");
  REQUIRE(none);
  CHECK(none->down_revisions.empty());
  CHECK(none->down_revision_none);
  auto one = read_alembic_revision("v.py", "revision = 'a'\ndown_revision = ('b',)\n");
  REQUIRE(one);
  CHECK(ids(one->down_revisions) == std::vector<std::string>{"b"});
  auto bare = read_alembic_revision("v.py", "revision = 'a'\ndown_revision = 'b', 'c'\n");
  REQUIRE(bare);
  CHECK(ids(bare->down_revisions) == std::vector<std::string>{"b", "c"});
  auto list = read_alembic_revision("v.py", "revision = 'a'\ndown_revision = []\n");
  REQUIRE(list);
  CHECK(list->down_revision_none);
}

TEST_CASE("alembic: a name or a call is a diagnostic, never a guess") {
  auto name = read_alembic_revision("v.py", "revision = 'a'\ndown_revision = PREVIOUS\n");
  REQUIRE_FALSE(name);
  CHECK(format_diagnostic(name.error().front(), false)
            .rfind("v.py:2:17: error: `down_revision` is not a literal migline can read\n", 0) ==
        0);
  auto call = read_alembic_revision("v.py", "revision = make_id()\ndown_revision = None\n");
  REQUIRE_FALSE(call);
  CHECK(call.error().front().line == 1);
  auto concat = read_alembic_revision("v.py", "revision = 'a' + 'b'\ndown_revision = None\n");
  REQUIRE_FALSE(concat);
  auto augmented = read_alembic_revision("v.py",
                                         "revision = 'a'\ndown_revision = None\n"
                                         "down_revision += ('b',)\n");
  REQUIRE_FALSE(augmented);
  CHECK(augmented.error().front().line == 3);
}

TEST_CASE("alembic: what Alembic itself cannot load") {
  auto no_revision = read_alembic_revision("versions/helpers.py", "down_revision = None\n");
  REQUIRE_FALSE(no_revision);
  CHECK(no_revision.error().front().message == "no module-level `revision` in this revision file");
  auto legacy = read_alembic_revision("versions/1975ea83b712.py", "down_revision = None\n");
  REQUIRE(legacy);
  CHECK(legacy->revision == "1975ea83b712");
  auto no_down = read_alembic_revision("v.py", "revision = 'a'\n");
  REQUIRE_FALSE(no_down);
  auto illegal = read_alembic_revision("v.py", "revision = 'a-b'\ndown_revision = None\n");
  REQUIRE_FALSE(illegal);
  CHECK(illegal.error().front().message ==
        "revision id 'a-b' holds '-', which Alembic does not allow");
  auto nested =
      read_alembic_revision("v.py", "if True:\n    revision = 'a'\ndown_revision = None\n");
  REQUIRE_FALSE(nested);
}

TEST_CASE("alembic: which files of a versions directory are revisions") {
  CHECK(is_alembic_revision_file("ae1027a6acf_add.py"));
  CHECK(is_alembic_revision_file("_helpers.py"));
  CHECK_FALSE(is_alembic_revision_file("__init__.py"));
  CHECK_FALSE(is_alembic_revision_file(".#ae10.py"));
  CHECK_FALSE(is_alembic_revision_file("README"));
  CHECK_FALSE(is_alembic_revision_file("x.pyc"));
}

}  // namespace migline
