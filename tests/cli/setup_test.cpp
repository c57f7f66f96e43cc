#include "cli/setup.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

#include <catch2/catch.hpp>

#include "temp_dir.hpp"

namespace migline::cli {
namespace {

// What POSIX sh prints for `script` followed by `printf '%s|%s' "$project_dir" "$init_binary"`.
std::string shell_values(const std::string& script) {
  TempDir dir;
  spit(dir.path + "/script.sh", script + "printf '%s|%s' \"$project_dir\" \"$init_binary\"\n");
  std::string out;
  std::FILE* pipe = ::popen(("sh '" + dir.path + "/script.sh'").c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[512];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  REQUIRE(::pclose(pipe) == 0);
  return out;
}

const std::string kTemplate = "#!/bin/sh\n# a hook\nproject_dir=.\ninit_binary=\n";

TEST_CASE("shell_quote makes one sh word of anything, quotes included") {
  CHECK(shell_quote("plain") == "'plain'");
  CHECK(shell_quote("it's") == "'it'\\''s'");
  CHECK(shell_quote("") == "''");
  for (const std::string& value : {std::string("it's"), std::string("a b $HOME `x` \"q\" '' \\"),
                                   std::string("x'; touch pwned; '")}) {
    CHECK(shell_values("project_dir=" + shell_quote(value) + "\ninit_binary=\n") == value + "|");
  }
}

TEST_CASE("hook_script fills in the project directory and the binary, quoted") {
  auto top = hook_script(kTemplate, "", "");
  REQUIRE(top);
  CHECK(*top == kTemplate);
  CHECK(shell_values(*top) == ".|");
  auto sub = hook_script(kTemplate, "it's here/app", "/opt/my tools/migline");
  REQUIRE(sub);
  CHECK(*sub ==
        "#!/bin/sh\n# a hook\nproject_dir='it'\\''s here/app'\ninit_binary='/opt/my "
        "tools/migline'\n");
  CHECK(shell_values(*sub) == "it's here/app|/opt/my tools/migline");
}

TEST_CASE("hook_script refuses a template without its lines instead of throwing") {
  auto no_dir = hook_script("#!/bin/sh\ninit_binary=\n", "app", "/bin/migline");
  REQUIRE_FALSE(no_dir);
  CHECK(no_dir.error() == "the hook template has no line `project_dir=.`");
  auto no_binary = hook_script("#!/bin/sh\nproject_dir=.\n", "", "/bin/migline");
  REQUIRE_FALSE(no_binary);
  CHECK(no_binary.error() == "the hook template has no line `init_binary=`");
  // A line that only starts like it is not it.
  CHECK_FALSE(hook_script("#!/bin/sh\nproject_dir=./x\ninit_binary=\n", "", ""));
}

}  // namespace
}  // namespace migline::cli
