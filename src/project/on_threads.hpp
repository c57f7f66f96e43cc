#pragma once

#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <type_traits>
#include <vector>

namespace migline {

// Calls fn(i) for every i below `count` on up to `threads` threads (the calling one included),
// each taking the next i until none is left; a thread that cannot be started leaves its share
// to the others. When fn returns bool, false stops every thread early; returns whether none
// did.
template <typename Fn>
bool on_threads(std::size_t count, std::size_t threads, Fn&& fn) {
  std::atomic<std::size_t> next = 0;
  std::atomic<bool> all = true;
  auto work = [&] {
    for (std::size_t i; all.load(std::memory_order_relaxed) && (i = next++) < count;) {
      if constexpr (std::is_void_v<std::invoke_result_t<Fn&, std::size_t>>) {
        fn(i);
      } else if (!fn(i)) {
        all = false;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break;
    }
  }
  work();
  for (std::thread& helper : helpers) helper.join();
  return all;
}

}  // namespace migline
