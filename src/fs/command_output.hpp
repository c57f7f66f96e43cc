#pragma once

#include <string>

namespace migline {

// What the shell command `command` (run by sh, as popen(3) runs it) printed on its standard
// output, trailing newlines dropped; empty when it cannot be started. Its exit status is not
// looked at.
std::string command_output(const std::string& command);

}  // namespace migline
