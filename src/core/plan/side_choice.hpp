#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/graph/migration_graph.hpp"
#include "core/plan/linearize.hpp"

namespace migline {

// What `resolve` knows about one divergent set when it chooses the side that moves.
struct SideFacts {
  // The side each of graph.leaves(app) came from, in that order: "ours", "theirs", or ""
  // (both sides have it, or no merge, rebase or cherry-pick is in progress).
  std::vector<std::string> leaf_sides;
  // Per graph node: its file exists on the protected branch (it is published).
  std::vector<bool> published;
  std::string protected_name;  // the protected branch, for messages
  std::string move;            // --move: "", "ours" or "theirs"
  bool operation_in_progress = false;
};

// Why no side can move, and what to do instead.
struct SideRefusal {
  std::string message;
  std::string hint;
};

// The hint of a refusal that merging (not linearizing) would avoid.
inline constexpr std::string_view kMergeStrategyHint = "use `migline resolve --strategy merge`";

// Which of a set's leaves stays and which move.
struct LeafChoice {
  int kept = -1;
  std::vector<int> moving;
};

// Whether the chain of `leaf` (what is reachable from it but not from any of `stay`) holds a
// published migration or revision.
using ChainPublished = std::function<bool(int leaf, const std::vector<int>& stay)>;

// The rule of choose_moving_side() for any graph: `set` names the set in messages, `names[k]`
// names `leaves[k]`, `facts.leaf_sides` gives their sides (`facts.published` is not read).
tl::expected<LeafChoice, SideRefusal> choose_kept_leaf(std::string_view set,
                                                       const std::vector<int>& leaves,
                                                       const std::vector<std::string>& names,
                                                       const SideFacts& facts,
                                                       const ChainPublished& chain_published);

// Which leaf of `app` stays and which move when linearizing. Published migrations never move.
// With `move`, the leaves from that side move. Otherwise the one leaf whose chain is published
// stays (two published chains: refused); with none published the incoming side ("theirs")
// moves, and with no sides all leaves but the first. Refused when the choice would keep more
// than one leaf, move nothing, or move a published migration.
tl::expected<DivergentSet, SideRefusal> choose_moving_side(const MigrationGraph& graph,
                                                           const std::string& app,
                                                           const SideFacts& facts);

}  // namespace migline
