#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/manifest/merge_labels.hpp"

namespace migline {

// What a merge writes for an app both sides changed differently.
enum class OnConflict {
  Hunk,   // a conflict hunk naming `migline resolve`
  Union,  // both sides' leaves as one divergent entry, for the post-merge hook to linearize
};

// The result of a structured three-way merge of a manifest.
struct ManifestMerge {
  std::string text;                    // the merged manifest, with a hunk per conflicted app
  std::vector<std::string> conflicts;  // apps both sides changed differently, sorted
};

// Merges three versions of a single-file manifest app by app: a side that left an app's
// entry alone takes the other side's; equal changes take either; a removal against an
// unchanged entry removes it. An app changed differently on both sides becomes one conflict
// hunk for that app alone, followed by a comment naming `migline resolve`. An empty `base`
// stands for a file both sides added. std::nullopt when any text is not a manifest (garbage,
// conflict markers): the caller falls back to a line merge. With OnConflict::Union such an
// app takes the sorted union of both sides' leaves instead of a hunk (still listed in
// `conflicts`).
std::optional<ManifestMerge> merge_manifest(std::string_view file_name, std::string_view base,
                                            std::string_view ours, std::string_view theirs,
                                            const MergeLabels& labels,
                                            OnConflict on_conflict = OnConflict::Hunk);

// The same for one app's `max_migration.txt`; `app` only names the app in the conflict.
std::optional<ManifestMerge> merge_max_migration(std::string_view app, std::string_view base,
                                                 std::string_view ours, std::string_view theirs,
                                                 const MergeLabels& labels,
                                                 OnConflict on_conflict = OnConflict::Hunk);

}  // namespace migline
