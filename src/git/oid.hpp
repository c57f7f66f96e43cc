#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <git2.h>

namespace migline {

// The 40 lowercase hex digits of an object id.
std::string oid_hex(const git_oid& id);

// The object id that `hex` spells in exactly 40 hex digits, or std::nullopt.
std::optional<git_oid> parse_oid(std::string_view hex);

}  // namespace migline
