#include "core/alembic/alembic_history.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <utility>

namespace migline {

namespace {

Diagnostic at_span(const AlembicRevision& r, const SourceSpan& span, std::string rule,
                   std::string message, std::string hint) {
  return error_at_span(r.path, span, std::move(rule), std::move(message), std::move(hint));
}

}  // namespace

std::vector<std::string> AlembicHistory::head_ids() const {
  std::vector<std::string> out;
  for (int h : heads) out.push_back(revisions[static_cast<std::size_t>(h)].revision);
  return out;
}

std::vector<std::vector<int>> AlembicHistory::divergent_groups() const {
  std::map<std::vector<std::string>, std::vector<int>> by_branch;
  for (std::size_t i = 0; i < heads.size(); ++i) {
    by_branch[head_branches[i]].push_back(static_cast<int>(i));
  }
  std::vector<std::vector<int>> out;
  for (auto& [branch, group] : by_branch) {
    if (group.size() >= 2) out.push_back(group);
  }
  return out;
}

int AlembicHistory::find(std::string_view id) const {
  for (std::size_t i = 0; i < revisions.size(); ++i) {
    if (revisions[i].revision == id) return static_cast<int>(i);
  }
  return -1;
}

std::vector<char> AlembicHistory::ancestors(int from) const {
  std::vector<char> seen(revisions.size(), 0);
  std::vector<int> todo{from};
  while (!todo.empty()) {
    const int v = todo.back();
    todo.pop_back();
    if (seen[static_cast<std::size_t>(v)]) continue;
    seen[static_cast<std::size_t>(v)] = 1;
    for (int p : down[static_cast<std::size_t>(v)]) todo.push_back(p);
    for (int p : depends[static_cast<std::size_t>(v)]) todo.push_back(p);
  }
  return seen;
}

AlembicHistory build_alembic_history(std::string location, std::vector<AlembicRevision> revisions,
                                     Diagnostics& diagnostics,
                                     const std::vector<std::string>& unreadable) {
  const auto known_unreadable = [&](const std::string& id) {
    return std::find(unreadable.begin(), unreadable.end(), id) != unreadable.end();
  };
  AlembicHistory h;
  h.location = std::move(location);
  h.broken = !unreadable.empty();
  std::sort(revisions.begin(), revisions.end(),
            [](const AlembicRevision& a, const AlembicRevision& b) { return a.path < b.path; });

  std::unordered_map<std::string, int> by_id;
  for (AlembicRevision& r : revisions) {
    auto [it, added] = by_id.emplace(r.revision, static_cast<int>(h.revisions.size()));
    if (!added) {
      const AlembicRevision& first = h.revisions[static_cast<std::size_t>(it->second)];
      diagnostics.push_back(
          at_span(r, r.revision_span, "duplicate-revision",
                  "revision id '" + r.revision + "' is also the id of " + first.path,
                  "give one of them a fresh id (Alembic keeps only one of "
                  "them, whichever it lists last)"));
      h.broken = true;
      continue;
    }
    if (r.revision.size() > kMaxAlembicRevisionId) {
      diagnostics.push_back(
          at_span(r, r.revision_span, "revision-id-too-long",
                  "revision id '" + r.revision + "' is " + std::to_string(r.revision.size()) +
                      " characters long; alembic_version.version_num holds 32",
                  "use an id of at most 32 characters (`alembic revision` makes 12)"));
    }
    h.revisions.push_back(std::move(r));
  }

  // Branch labels name revisions too (depends_on may use them); a label is unique.
  std::unordered_map<std::string, int> by_label;
  for (std::size_t i = 0; i < h.revisions.size(); ++i) {
    const AlembicRevision& r = h.revisions[i];
    for (const RevisionIdRef& label : r.branch_labels) {
      auto id = by_id.find(label.id);
      auto [it, added] = by_label.emplace(label.id, static_cast<int>(i));
      if (!added || id != by_id.end()) {
        const int other = added ? id->second : it->second;
        diagnostics.push_back(
            at_span(r, label.span, "branch-label-clash",
                    "branch label '" + label.id + "' is already used by revision " +
                        h.revisions[static_cast<std::size_t>(other)].revision + " (" +
                        h.revisions[static_cast<std::size_t>(other)].path + ")",
                    "Alembic refuses a branch label used twice or equal to a revision id"));
        h.broken = true;
      }
    }
  }

  const std::size_t n = h.revisions.size();
  h.down.assign(n, {});
  h.depends.assign(n, {});
  for (std::size_t i = 0; i < n; ++i) {
    const AlembicRevision& r = h.revisions[i];
    for (const RevisionIdRef& d : r.down_revisions) {
      auto it = by_id.find(d.id);
      if (it == by_id.end()) {
        h.broken = true;
        if (known_unreadable(d.id)) continue;
        diagnostics.push_back(at_span(r, d.span, "missing-parent",
                                      "down_revision '" + d.id + "' of revision " + r.revision +
                                          " names no revision of " + h.location,
                                      "restore that revision, or point down_revision at an "
                                      "existing one"));
        h.broken = true;
      } else if (std::find(h.down[i].begin(), h.down[i].end(), it->second) == h.down[i].end()) {
        h.down[i].push_back(it->second);
      }
    }
    for (const RevisionIdRef& d : r.depends_on) {
      auto it = by_id.find(d.id);
      int target = it != by_id.end() ? it->second : -1;
      if (target < 0) {
        auto label = by_label.find(d.id);
        if (label != by_label.end()) target = label->second;
      }
      if (target < 0) {
        h.broken = true;
        if (known_unreadable(d.id)) continue;
        diagnostics.push_back(at_span(r, d.span, "missing-parent",
                                      "depends_on '" + d.id + "' of revision " + r.revision +
                                          " names no revision or branch label of " + h.location,
                                      "restore that revision, or drop the dependency"));
        h.broken = true;
      } else {
        h.depends[i].push_back(target);
      }
    }
  }

  ParentLists all(n);
  for (std::size_t i = 0; i < n; ++i) {
    all[i] = h.down[i];
    all[i].insert(all[i].end(), h.depends[i].begin(), h.depends[i].end());
  }
  for (const std::vector<int>& cycle : find_cycles(all)) {
    std::string ids, paths;
    for (int v : cycle) {
      const AlembicRevision& r = h.revisions[static_cast<std::size_t>(v)];
      ids += (ids.empty() ? "" : ", ") + r.revision;
      paths += (paths.empty() ? "" : ", ") + r.path;
    }
    const AlembicRevision& first = h.revisions[static_cast<std::size_t>(cycle.front())];
    diagnostics.push_back(
        at_span(first, first.down_revision_span, "cycle",
                "circular dependency between revisions " + ids + " (" + paths + ")",
                "one of these down_revision or depends_on entries must go"));
    h.broken = true;
  }

  // A head is what no down_revision names; its branch is every label of its ancestors.
  const std::vector<char> named = has_children(h.down);
  std::vector<std::vector<std::string>> labels(n);
  for (int v : parents_first_order(h.down)) {
    std::vector<std::string>& own = labels[static_cast<std::size_t>(v)];
    for (const RevisionIdRef& l : h.revisions[static_cast<std::size_t>(v)].branch_labels) {
      own.push_back(l.id);
    }
    for (int p : h.down[static_cast<std::size_t>(v)]) {
      const std::vector<std::string>& up = labels[static_cast<std::size_t>(p)];
      own.insert(own.end(), up.begin(), up.end());
    }
    std::sort(own.begin(), own.end());
    own.erase(std::unique(own.begin(), own.end()), own.end());
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!named[i]) h.heads.push_back(static_cast<int>(i));
  }
  std::sort(h.heads.begin(), h.heads.end(), [&](int a, int b) {
    return h.revisions[static_cast<std::size_t>(a)].revision <
           h.revisions[static_cast<std::size_t>(b)].revision;
  });
  for (int head : h.heads) h.head_branches.push_back(labels[static_cast<std::size_t>(head)]);
  return h;
}

}  // namespace migline
