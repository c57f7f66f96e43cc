#pragma once

#include <cstdio>

namespace migline {

// True when `stream` is open on a terminal (isatty(3) of its descriptor).
bool is_terminal(std::FILE* stream);

}  // namespace migline
