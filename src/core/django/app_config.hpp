#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "core/text/diagnostic.hpp"

namespace migline {

// A `label = "..."` found in an AppConfig class of an apps.py.
struct AppLabelDecl {
  std::string label;
  SourceSpan span;
};

// Reads the app label that the apps.py `source` declares, without running it: the string
// assigned to `label` in a top-level class body. Several classes with different labels pick
// the one with `default = True`; otherwise it is an error. No label is std::nullopt.
tl::expected<std::optional<AppLabelDecl>, Diagnostics> read_app_label(std::string_view path,
                                                                      std::string_view source);

}  // namespace migline
