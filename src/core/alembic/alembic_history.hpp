#pragma once

#include <string>
#include <vector>

#include "core/alembic/alembic_revision.hpp"
#include "core/graph/dag.hpp"
#include "core/text/diagnostic.hpp"

namespace migline {

// `alembic_version.version_num` is VARCHAR(32): a longer id cannot be stored.
inline constexpr std::size_t kMaxAlembicRevisionId = 32;

// One Alembic history (a script location) as Alembic's RevisionMap sees it.
struct AlembicHistory {
  std::string location;                    // the script location, relative to the root
  std::vector<AlembicRevision> revisions;  // sorted by path; duplicates of an id left out
  ParentLists down;                        // each revision's down_revisions, as indices
  ParentLists depends;                     // each revision's depends_on, resolved to indices
  std::vector<int> heads;                  // no revision names them in down_revision; by id
  std::vector<std::vector<std::string>> head_branches;  // each head's branch labels, sorted
  bool broken = false;  // a missing parent, a cycle or a clash: heads are not trustworthy

  // The head ids, sorted.
  std::vector<std::string> head_ids() const;
  // The heads as the manifest records them: the ids; or, when every head is on a branch of
  // its own (labelled, no divergence), "branch@id" each, labels joined by '+', sorted.
  std::vector<std::string> manifest_heads() const;
  // Groups of two or more heads (indices into `heads`) on the same branch: divergence.
  std::vector<std::vector<int>> divergent_groups() const;
  // The index of revision `id`, or -1.
  int find(std::string_view id) const;
  // Revisions reachable from `from` through down_revision and depends_on, `from` included.
  std::vector<char> ancestors(int from) const;
};

// Builds the history of `revisions` (read from the versions directories of `location`):
// heads exactly as Alembic's RevisionMap computes them (revisions no other names in
// down_revision; depends_on never removes a head), each head's branch labels (its own and
// those of every down_revision ancestor), and as errors in `diagnostics`: a duplicate id, a
// down_revision or depends_on naming nothing, a cycle, a branch label used twice, an id over
// 32 characters. A reference to one of `unreadable` (ids of files that failed to read,
// reported already) is not reported again.
AlembicHistory build_alembic_history(std::string location, std::vector<AlembicRevision> revisions,
                                     Diagnostics& diagnostics,
                                     const std::vector<std::string>& unreadable = {});

}  // namespace migline
