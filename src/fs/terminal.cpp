#include "fs/terminal.hpp"

#include <unistd.h>

namespace migline {

bool is_terminal(std::FILE* stream) {
  return ::isatty(fileno(stream)) != 0;
}

}  // namespace migline
