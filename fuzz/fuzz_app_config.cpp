// libFuzzer target: any bytes as an apps.py.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/django/app_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  auto result = migline::read_app_label("app/apps.py", source);
  if (!result) {
    for (const migline::Diagnostic& d : result.error()) (void)migline::format_diagnostic(d, false);
  }
  return 0;
}
