#include "git/oid.hpp"

namespace migline {

std::string oid_hex(const git_oid& id) {
  char out[GIT_OID_HEXSZ + 1] = {};
  git_oid_tostr(out, sizeof out, &id);
  return out;
}

std::optional<git_oid> parse_oid(std::string_view hex) {
  git_oid id{};
  if (hex.size() != GIT_OID_HEXSZ || git_oid_fromstrn(&id, hex.data(), hex.size()) != 0) {
    return std::nullopt;
  }
  return id;
}

}  // namespace migline
