#include "git/oid.hpp"

#include <algorithm>

namespace migline {

std::string oid_hex(const git_oid& id) {
  char out[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(out, sizeof out, &id);
  return out;
}

std::optional<git_oid> parse_oid(std::string_view hex) {
  // Checked here, so that libgit2 never records an error (which needs it initialized).
  const bool digits = std::all_of(hex.begin(), hex.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
  git_oid id{};
  if (hex.size() != GIT_OID_HEXSZ || !digits ||
      git_oid_fromstrn(&id, hex.data(), hex.size()) != 0) {
    return std::nullopt;
  }
  return id;
}

}  // namespace migline
