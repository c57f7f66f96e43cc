#include "core/plan/side_choice.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace migline {
namespace {

// `leaves` without `leaf`.
std::vector<int> other_leaves(const std::vector<int>& leaves, int leaf) {
  std::vector<int> out;
  for (int l : leaves) {
    if (l != leaf) out.push_back(l);
  }
  return out;
}

}  // namespace

tl::expected<LeafChoice, SideRefusal> choose_kept_leaf(std::string_view set,
                                                       const std::vector<int>& leaves,
                                                       const std::vector<std::string>& names,
                                                       const SideFacts& facts,
                                                       const ChainPublished& chain_published) {
  const auto refuse = [](std::string message, std::string_view hint) {
    return tl::make_unexpected(SideRefusal{std::move(message), std::string(hint)});
  };
  const auto side_of = [&](std::size_t k) {
    return k < facts.leaf_sides.size() ? std::string_view(facts.leaf_sides[k]) : "";
  };
  const auto name_of = [&](int leaf) {
    const auto at = std::find(leaves.begin(), leaves.end(), leaf) - leaves.begin();
    return static_cast<std::size_t>(at) < names.size() ? names[static_cast<std::size_t>(at)]
                                                       : std::string();
  };
  std::vector<int> stay, move;
  if (!facts.move.empty()) {
    if (!facts.operation_in_progress) {
      return refuse(
          fmt::format("--move {} needs a merge, rebase or cherry-pick in progress", facts.move),
          "without one there are no sides; drop --move");
    }
    for (std::size_t k = 0; k < leaves.size(); ++k) {
      (side_of(k) == facts.move ? move : stay).push_back(leaves[k]);
    }
  } else {
    std::vector<int> published_leaves, unpublished;
    for (int leaf : leaves) {
      (chain_published(leaf, other_leaves(leaves, leaf)) ? published_leaves : unpublished)
          .push_back(leaf);
    }
    if (published_leaves.size() > 1) {
      std::vector<std::string> published_names;
      for (int l : published_leaves) published_names.push_back(name_of(l));
      return refuse(fmt::format("{}: {} are all published on {}; moving them would rewrite history",
                                set, fmt::join(published_names, ", "), facts.protected_name),
                    kMergeStrategyHint);
    }
    if (published_leaves.size() == 1) {
      stay = published_leaves;
      move = unpublished;
    } else {
      // Nothing published: the incoming side moves; with no operation, all but the first leaf.
      for (std::size_t k = 0; k < leaves.size(); ++k) {
        (side_of(k) == "theirs" ? move : stay).push_back(leaves[k]);
      }
      if (move.empty() || stay.empty()) {
        stay = {leaves.front()};
        move = other_leaves(leaves, leaves.front());
      }
    }
  }
  if (move.empty()) {
    return refuse(fmt::format("{}: no leaf came from {}", set, facts.move),
                  "drop --move to let migline choose");
  }
  if (stay.size() != 1) {
    return refuse(
        fmt::format("{}: {} leaves would stay; linearizing keeps exactly one", set, stay.size()),
        kMergeStrategyHint);
  }
  for (int leaf : move) {
    if (chain_published(leaf, stay)) {
      return refuse(fmt::format("{}: moving {} would move migrations published on {}", set,
                                name_of(leaf), facts.protected_name),
                    kMergeStrategyHint);
    }
  }
  return LeafChoice{stay.front(), move};
}

tl::expected<DivergentSet, SideRefusal> choose_moving_side(const MigrationGraph& graph,
                                                           const std::string& app,
                                                           const SideFacts& facts) {
  const std::vector<int> leaves = graph.leaves(app);
  std::vector<std::string> names;
  for (int leaf : leaves) names.push_back(graph.nodes()[static_cast<std::size_t>(leaf)].name);
  const ChainPublished published = [&](int leaf, const std::vector<int>& stay) {
    const std::vector<int> chain = moving_chain(graph, app, leaf, stay);
    return std::any_of(chain.begin(), chain.end(), [&](int n) {
      return static_cast<std::size_t>(n) < facts.published.size() &&
             facts.published[static_cast<std::size_t>(n)];
    });
  };
  auto chosen = choose_kept_leaf(app, leaves, names, facts, published);
  if (!chosen) return tl::make_unexpected(chosen.error());
  return DivergentSet{app, chosen->kept, std::move(chosen->moving)};
}

}  // namespace migline
