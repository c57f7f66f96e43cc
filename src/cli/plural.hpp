#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace migline::cli {

// `count` and the noun that agrees with it: "1 app", "0 apps", "2 apps"; `plural` defaults to
// the singular with an "s".
std::string count_of(std::size_t count, std::string_view singular, std::string_view plural = {});

}  // namespace migline::cli
