#include "fs/terminal.hpp"

#include <cstdio>

#include <catch2/catch.hpp>

namespace migline {

TEST_CASE("is_terminal: a file is not a terminal") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  CHECK_FALSE(is_terminal(file));
  std::fclose(file);
}

}  // namespace migline
