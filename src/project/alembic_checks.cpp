#include "project/alembic_checks.hpp"

#include <map>
#include <string>

#include <fmt/format.h>

namespace migline {
namespace {

Diagnostic finding(const AlembicRevision& r, std::string rule, std::string message,
                   std::string hint) {
  return rule_finding(r.path, r.revision_span, std::move(rule), std::move(message),
                      std::move(hint));
}

const AlembicHistory* history_at(const Project& project, const std::string& location) {
  for (const AlembicHistory& h : project.alembic) {
    if (h.location == location) return &h;
  }
  return nullptr;
}

const AlembicRevision& rev(const AlembicHistory& h, int i) {
  return h.revisions[static_cast<std::size_t>(i)];
}

void check_divergence(const AlembicHistory& h, Diagnostics& out) {
  for (const std::vector<int>& group : h.divergent_groups()) {
    std::vector<std::string> ids;
    for (int g : group) ids.push_back(rev(h, h.heads[static_cast<std::size_t>(g)]).revision);
    const std::vector<std::string>& branch = h.head_branches[static_cast<std::size_t>(group[0])];
    const int last = h.heads[static_cast<std::size_t>(group.back())];
    out.push_back(finding(
        rev(h, last), "divergent-heads",
        fmt::format(
            "Alembic history '{}' has {} heads{}: {}", h.location, group.size(),
            branch.empty() ? std::string() : fmt::format(" on branch {}", fmt::join(branch, ", ")),
            fmt::join(ids, ", ")),
        "run `migline resolve` to linearize them (or `migline resolve --strategy merge` for "
        "a merge revision, as `alembic merge heads` writes)"));
  }
}

void check_published(const AlembicHistory& h, const AlembicHistory& at_fork,
                     const FileSource& source, const BaseProject& base, Diagnostics& out) {
  std::map<std::string, const AlembicRevision*> now;
  for (const AlembicRevision& r : h.revisions) now.emplace(r.revision, &r);
  for (const AlembicRevision& old : at_fork.revisions) {
    auto it = now.find(old.revision);
    if (it != now.end() && it->second->path == old.path) {
      const std::string before = base.fork_source->read(old.path).value_or("");
      const std::string after = source.read(old.path).value_or("");
      if (before != after) {
        out.push_back(finding(*it->second, "published-modified",
                              fmt::format("revision {} was changed, but it exists at {} and may "
                                          "already be applied",
                                          old.revision, base.rev),
                              "restore it and make the change in a new revision"));
      }
      continue;
    }
    Diagnostic d = file_error(old.path, "",
                              "restore it; a revision that exists at the base may already be "
                              "applied, and alembic_version may name it");
    if (it != now.end()) {
      d.rule = "published-renamed";
      d.message = fmt::format("revision {} was moved to {}, but it exists at {}", old.revision,
                              it->second->path, base.rev);
    } else {
      d.rule = "published-deleted";
      d.message =
          fmt::format("revision {} was deleted, but it exists at {}", old.revision, base.rev);
    }
    out.push_back(std::move(d));
  }
}

void check_behind(const AlembicHistory& h, const AlembicHistory* at_fork,
                  const AlembicHistory* at_rev, const BaseProject& base, Diagnostics& out) {
  if (at_rev == nullptr || h.broken) return;
  int first_new = -1;
  for (std::size_t i = 0; i < h.revisions.size(); ++i) {
    if (at_fork == nullptr || at_fork->find(h.revisions[i].revision) < 0) {
      first_new = static_cast<int>(i);
      break;
    }
  }
  if (first_new < 0) return;
  std::vector<char> reached(h.revisions.size(), 0);
  for (int head : h.heads) {
    const std::vector<char> up = h.ancestors(head);
    for (std::size_t i = 0; i < up.size(); ++i) reached[i] |= up[i];
  }
  for (const std::string& id : at_rev->head_ids()) {
    const int here = h.find(id);
    if (here >= 0 && reached[static_cast<std::size_t>(here)]) continue;
    out.push_back(finding(
        rev(h, first_new), "branch-behind",
        fmt::format("the new revisions of '{}' do not follow {}, a head at {}: the branch is "
                    "behind",
                    h.location, id, base.rev),
        fmt::format("merge or rebase onto {}, then run `migline resolve`", base.rev)));
    return;
  }
}

}  // namespace

Diagnostics check_alembic(const Project& project, const FileSource& source,
                          const BaseProject* base) {
  Diagnostics out;
  for (const AlembicHistory& h : project.alembic) {
    if (h.broken) continue;  // its errors are reported; heads around a gap mean nothing
    check_divergence(h, out);
    if (base == nullptr) continue;
    const AlembicHistory* fork = history_at(*base->at_fork, h.location);
    if (fork != nullptr) check_published(h, *fork, source, *base, out);
    check_behind(h, fork, history_at(*base->at_rev, h.location), *base, out);
  }
  return out;
}

}  // namespace migline
