#pragma once

#include <vector>

namespace migline {

// What any migration graph needs, whatever the framework: nodes are ids 0..n-1, `parents[n]`
// the nodes n depends on. No names, no loader semantics.
using ParentLists = std::vector<std::vector<int>>;

// The cycles of the graph: each strongly connected component of two or more nodes, or one
// node that is its own parent; every component's nodes sorted, components ordered by their
// first node. Iterative (Tarjan), so a 100,000-node chain does not exhaust the stack.
std::vector<std::vector<int>> find_cycles(const ParentLists& parents);

// The nodes in an order where every node comes after its parents, ties by id; nodes on a
// cycle (and what depends on them) are left out.
std::vector<int> parents_first_order(const ParentLists& parents);

// For each node, whether any node names it as a parent.
std::vector<char> has_children(const ParentLists& parents);

}  // namespace migline
