#pragma once

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace migline {

// Fixed-width values in host byte order, for the caches under .git/migline (files that never
// leave the machine that wrote them).

// Appends the bytes of `value` to `out`.
template <typename T>
void append_raw(std::string& out, T value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

// The value whose bytes start at `at`; the caller has checked that they are inside `bytes`.
template <typename T>
T load_at(std::string_view bytes, std::size_t at) {
  static_assert(std::is_trivially_copyable_v<T>);
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

}  // namespace migline
