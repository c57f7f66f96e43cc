#include "fs/command_output.hpp"

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("command_output: what a command printed, trailing newlines dropped") {
  CHECK(command_output("printf 'migline 0.1.0\\n\\n'") == "migline 0.1.0");
  CHECK(command_output("printf 'a\\nb'") == "a\nb");
  CHECK(command_output("echo err >&2; exit 3").empty());
  CHECK(command_output("exec /nonexistent/migline --version 2>/dev/null").empty());
}

}  // namespace migline
