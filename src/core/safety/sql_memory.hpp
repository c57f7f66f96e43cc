#pragma once

#include <map>
#include <set>
#include <string>

namespace migline {

// What the RunSQL statements judged so far on the branch made, for the statements after them.
struct SqlMemory {
  std::set<std::string> tables;   // CREATE TABLE, lowercase
  std::set<std::string> indexes;  // CREATE INDEX, lowercase
  // Constraints added NOT VALID in the current migration ("table.constraint", lowercase) and
  // the rule their validation falls under: a VALIDATE in the same transaction scans the table
  // with the ADD's lock still held, as if NOT VALID had not been written.
  std::map<std::string, std::string> not_valid;
};

}  // namespace migline
