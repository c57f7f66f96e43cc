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
  const int n = static_cast<int>(parents.size());
  std::vector<int> index(parents.size(), -1), low(parents.size(), 0);
  std::vector<char> on_stack(parents.size(), 0);
  std::vector<int> stack;
  std::vector<std::pair<int, std::size_t>> work;
  std::vector<std::vector<int>> cycles;
  int counter = 0;
  for (int start = 0; start < n; ++start) {
    if (at(index, start) >= 0) continue;
    work.emplace_back(start, 0);
    while (!work.empty()) {
      auto& [v, next] = work.back();
      if (next == 0 && at(index, v) < 0) {
        at(index, v) = at(low, v) = counter++;
        stack.push_back(v);
        at(on_stack, v) = 1;
      }
      const std::vector<int>& ps = at(parents, v);
      if (next < ps.size()) {
        const int w = ps[next++];
        if (at(index, w) < 0) {
          work.emplace_back(w, 0);
        } else if (at(on_stack, w)) {
          at(low, v) = std::min(at(low, v), at(index, w));
        }
        continue;
      }
      const int done = v;
      work.pop_back();
      if (!work.empty()) {
        const int up = work.back().first;
        at(low, up) = std::min(at(low, up), at(low, done));
      }
      if (at(low, done) != at(index, done)) continue;
      std::vector<int> component;
      int w;
      do {
        w = stack.back();
        stack.pop_back();
        at(on_stack, w) = 0;
        component.push_back(w);
      } while (w != done);
      const std::vector<int>& own = at(parents, done);
      if (component.size() == 1 && std::find(own.begin(), own.end(), done) == own.end()) continue;
      std::sort(component.begin(), component.end());
      cycles.push_back(std::move(component));
    }
  }
  std::sort(cycles.begin(), cycles.end());
  return cycles;
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
