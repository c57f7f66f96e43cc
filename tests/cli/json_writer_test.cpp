#include "cli/json_writer.hpp"

#include <catch2/catch.hpp>

namespace migline::cli {

TEST_CASE("json_quote: quotes, backslashes and control characters escaped, UTF-8 kept") {
  CHECK(json_quote("") == "\"\"");
  CHECK(json_quote("a \"b\" \\c") == "\"a \\\"b\\\" \\\\c\"");
  CHECK(json_quote("1\n2\r3\t4") == "\"1\\n2\\r3\\t4\"");
  CHECK(json_quote(std::string_view("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  CHECK(json_quote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
}

}  // namespace migline::cli
