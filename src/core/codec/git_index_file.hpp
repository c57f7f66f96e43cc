#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>

namespace migline {

// One entry of a git index file, as read_git_index_file finds it.
struct GitIndexEntry {
  std::string_view path;  // valid during the callback only
  std::array<unsigned char, 20> id{};
  std::uint32_t mode = 0;
  int stage = 0;
  // Stat data as git records it (low 32 bits).
  std::uint32_t ctime_s = 0, ctime_ns = 0, mtime_s = 0, mtime_ns = 0, ino = 0, size = 0;
};

// Reads the entries of git index file `bytes` (formats 2 to 4), in order, calling `each` for
// each. False when the bytes are not an index this reader takes in full: damaged or cut short,
// another format, or an index that needs more than its own file (a split index's `link`
// extension, a sparse index's `sdir`); `each` may have been called before that was known. The
// trailing SHA-1 is not verified (see docs/decisions.md).
bool read_git_index_file(std::string_view bytes,
                         const std::function<void(const GitIndexEntry&)>& each);

}  // namespace migline
