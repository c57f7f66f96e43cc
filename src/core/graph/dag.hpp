#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace migline {

// What any migration graph needs, whatever the framework: nodes are ids 0..n-1, `parents[n]`
// the nodes n depends on. No names, no loader semantics.
using ParentLists = std::vector<std::vector<int>>;

// The cycles of a graph of `n` nodes whose parents `parents_of(v)` gives (a range of ints):
// each strongly connected component of two or more nodes, or one node that is its own parent;
// every component's nodes sorted, components ordered by their first node. Nodes for which
// `skip(v)` holds start no search (they are still followed as parents). Iterative (Tarjan),
// so a 100,000-node chain does not exhaust the stack.
template <typename ParentsOf, typename Skip>
std::vector<std::vector<int>> find_cycles(std::size_t n, ParentsOf&& parents_of, Skip&& skip) {
  std::vector<int> index(n, -1), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<int> stack;
  std::vector<std::pair<int, std::size_t>> work;
  std::vector<std::vector<int>> cycles;
  int counter = 0;
  const auto at = [](auto& v, int i) -> auto& {
    return v[static_cast<std::size_t>(i)];
  };
  for (int start = 0; start < static_cast<int>(n); ++start) {
    if (at(index, start) >= 0 || skip(start)) continue;
    work.emplace_back(start, 0);
    while (!work.empty()) {
      auto& [v, next] = work.back();
      if (next == 0 && at(index, v) < 0) {
        at(index, v) = at(low, v) = counter++;
        stack.push_back(v);
        at(on_stack, v) = 1;
      }
      const auto& ps = parents_of(v);
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
      const auto& own = parents_of(done);
      if (component.size() == 1 && std::find(own.begin(), own.end(), done) == own.end()) continue;
      std::sort(component.begin(), component.end());
      cycles.push_back(std::move(component));
    }
  }
  std::sort(cycles.begin(), cycles.end());
  return cycles;
}

// find_cycles over plain parent lists, every node a start.
std::vector<std::vector<int>> find_cycles(const ParentLists& parents);

// The nodes in an order where every node comes after its parents, ties by id; nodes on a
// cycle (and what depends on them) are left out.
std::vector<int> parents_first_order(const ParentLists& parents);

// For each node, whether any node names it as a parent.
std::vector<char> has_children(const ParentLists& parents);

}  // namespace migline
