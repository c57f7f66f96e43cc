#include "core/graph/dag.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <queue>
#include <utility>

namespace migline {

namespace {

template <typename T>
T& at(std::vector<T>& v, int i) {
  return v[static_cast<std::size_t>(i)];
}

template <typename T>
const T& at(const std::vector<T>& v, int i) {
  return v[static_cast<std::size_t>(i)];
}

}  // namespace

std::vector<std::vector<int>> find_cycles(const ParentLists& parents) {
  return find_cycles(
      parents.size(), [&](int v) -> const std::vector<int>& { return at(parents, v); },
      [](int) { return false; });
}

std::vector<int> parents_first_order(const ParentLists& parents) {
  std::vector<int> pending(parents.size(), 0);
  std::vector<std::vector<int>> children(parents.size());
  for (std::size_t v = 0; v < parents.size(); ++v) {
    for (int p : parents[v]) {
      ++pending[v];
      at(children, p).push_back(static_cast<int>(v));
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (std::size_t v = 0; v < parents.size(); ++v) {
    if (pending[v] == 0) ready.push(static_cast<int>(v));
  }
  std::vector<int> order;
  order.reserve(parents.size());
  while (!ready.empty()) {
    const int v = ready.top();
    ready.pop();
    order.push_back(v);
    for (int c : at(children, v)) {
      if (--at(pending, c) == 0) ready.push(c);
    }
  }
  return order;
}

std::vector<char> has_children(const ParentLists& parents) {
  std::vector<char> out(parents.size(), 0);
  for (const std::vector<int>& ps : parents) {
    for (int p : ps) at(out, p) = 1;
  }
  return out;
}

}  // namespace migline
