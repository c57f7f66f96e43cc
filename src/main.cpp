#include <exception>

#include <fmt/format.h>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  try {
    return migline::cli::run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "migline: internal error: {}\n", e.what());
  } catch (...) {
    fmt::print(stderr, "migline: internal error\n");
  }
  return 2;
}
