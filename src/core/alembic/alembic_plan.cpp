#include "core/alembic/alembic_plan.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/plan/migration_name.hpp"
#include "core/text/repo_path.hpp"

namespace migline {

namespace {

// The quote character the file uses for its revision literal.
char quote_of(std::string_view source, const AlembicRevision& r) {
  if (r.revision_span.length > 0 && r.revision_span.offset < source.size()) {
    const std::string_view lit = source.substr(r.revision_span.offset, r.revision_span.length);
    const std::size_t q = lit.find_first_of("'\"");
    if (q != std::string_view::npos) return lit[q];
  }
  return '"';
}

// The edit of the `Revises:` line: `fork` replaced by `kept` as a whole comma-separated item.
void edit_revises_line(std::string_view source, const AlembicRevision& r, std::string_view fork,
                       std::string_view kept, std::vector<TextEdit>& edits) {
  if (!r.has_revises_line) return;
  const std::string_view value = source.substr(r.revises_value.offset, r.revises_value.length);
  std::size_t at = 0;
  while (at <= value.size()) {
    std::size_t end = value.find(',', at);
    if (end == std::string_view::npos) end = value.size();
    std::size_t b = at, e = end;
    while (b < e && value[b] == ' ') ++b;
    while (e > b && value[e - 1] == ' ') --e;
    if (value.substr(b, e - b) == fork) {
      edits.push_back({r.revises_value.offset + b, e - b, std::string(kept)});
      return;
    }
    if (fork.empty() && value.substr(b, e - b).empty()) {
      edits.push_back({r.revises_value.offset + b, 0, std::string(kept)});
      return;
    }
    at = end + 1;
  }
}

}  // namespace

bool alembic_files_numbered(const AlembicHistory& history) {
  for (const AlembicRevision& r : history.revisions) {
    const std::string_view file = path_basename(r.path);
    const MigrationNumber number = split_migration_number(file);
    const std::string_view suffix = number.suffix;
    if (number.digits.empty() || suffix.size() < 2 || suffix[0] != '_') return false;
    if (suffix[1] >= '0' && suffix[1] <= '9') return false;  // a date: 2024_05_01_...
    if (file.substr(0, r.revision.size()) == r.revision) return false;
  }
  return !history.revisions.empty();
}

std::vector<char> alembic_moving_chain(const AlembicHistory& history, int kept, int moving) {
  const std::size_t n = history.revisions.size();
  std::vector<char> kept_side(n, 0), chain(n, 0);
  const auto walk = [&](int from, std::vector<char>& seen, const std::vector<char>* stop) {
    std::vector<int> todo{from};
    while (!todo.empty()) {
      const auto v = static_cast<std::size_t>(todo.back());
      todo.pop_back();
      if (seen[v] || (stop != nullptr && (*stop)[v])) continue;
      seen[v] = 1;
      for (int p : history.down[v]) todo.push_back(p);
    }
  };
  if (kept >= 0) walk(kept, kept_side, nullptr);
  if (moving >= 0) walk(moving, chain, &kept_side);
  return chain;
}

tl::expected<AlembicLinearization, std::string> plan_alembic_linearization(
    const AlembicHistory& history, std::string_view kept_head, std::string_view moving_head,
    const std::map<std::string, std::string>& sources) {
  const int kept = history.find(kept_head);
  const int moving = history.find(moving_head);
  if (kept < 0 || moving < 0) return tl::make_unexpected("a head is not in the history");
  const std::size_t n = history.revisions.size();
  const std::vector<char> chain = alembic_moving_chain(history, kept, moving);
  if (!chain[static_cast<std::size_t>(moving)]) {
    return tl::make_unexpected("the moving head is an ancestor of the kept head");
  }
  AlembicLinearization plan;
  plan.location = history.location;
  plan.kept_head = std::string(kept_head);
  for (std::size_t i = 0; i < n; ++i) {
    if (!chain[i]) continue;
    const AlembicRevision& r = history.revisions[i];
    plan.moved.push_back(r.revision);
    const auto& parents = history.down[i];
    const bool root = parents.empty() || std::any_of(parents.begin(), parents.end(), [&](int p) {
                        return !chain[static_cast<std::size_t>(p)];
                      });
    if (!root) continue;
    auto text = sources.find(r.path);
    if (text == sources.end()) return tl::make_unexpected("no text for " + r.path);
    const std::string_view source = text->second;
    AlembicReparent re;
    re.path = r.path;
    re.revision = r.revision;
    if (r.down_revisions.empty()) {
      // A base of its own: `None` (or `()`) becomes the kept head.
      const char q = quote_of(source, r);
      re.edits.push_back({r.down_revision_span.offset, r.down_revision_span.length,
                          std::string(1, q) + std::string(kept_head) + std::string(1, q)});
      edit_revises_line(source, r, "", kept_head, re.edits);
    } else {
      // The first entry that leaves the chain is the fork; the others stay.
      const RevisionIdRef* fork = nullptr;
      for (const RevisionIdRef& d : r.down_revisions) {
        const int p = history.find(d.id);
        if (p >= 0 && !chain[static_cast<std::size_t>(p)]) {
          fork = &d;
          break;
        }
      }
      if (fork == nullptr) return tl::make_unexpected("no fork point for " + r.revision);
      re.fork_point = fork->id;
      const std::string_view literal = source.substr(fork->span.offset, fork->span.length);
      re.edits.push_back(
          {fork->span.offset, fork->span.length, rewrite_string_literal(literal, kept_head)});
      edit_revises_line(source, r, fork->id, kept_head, re.edits);
    }
    plan.reparents.push_back(std::move(re));
  }
  std::sort(plan.moved.begin(), plan.moved.end());
  if (alembic_files_numbered(history)) {
    long highest = 0;
    std::vector<std::pair<long, std::size_t>> renumbered;  // number, revision index
    std::set<long> kept_numbers;
    bool counter = true;  // the revisions that stay never share a number
    for (std::size_t i = 0; i < n; ++i) {
      const long number = split_migration_number(path_basename(history.revisions[i].path)).value;
      if (chain[i]) {
        renumbered.emplace_back(number, i);
      } else {
        highest = std::max(highest, number);
        counter = kept_numbers.insert(number).second && counter;
      }
    }
    if (!counter) renumbered.clear();
    std::sort(renumbered.begin(), renumbered.end());
    for (const auto& [number, i] : renumbered) {
      const std::string& path = history.revisions[i].path;
      const MigrationNumber old_name = split_migration_number(path_basename(path));
      const std::string name = numbered_name(++highest, old_name.digits.size(), old_name.suffix);
      std::string new_path = join_path(path_dirname(path), name);
      if (new_path != path) plan.renames.push_back({path, std::move(new_path)});
    }
  }
  return plan;
}

std::string render_alembic_merge_revision(std::string_view id,
                                          const std::vector<std::string>& heads,
                                          std::string_view create_date, bool annotated) {
  std::vector<std::string> quoted;
  for (const std::string& h : heads) quoted.push_back(fmt::format("'{}'", h));
  const std::string down = fmt::format("({})", fmt::join(quoted, ", "));
  std::string out =
      fmt::format("\"\"\"merge heads\n\nRevision ID: {}\nRevises: {}\nCreate Date: {}\n\n\"\"\"\n",
                  id, fmt::join(heads, ", "), create_date);
  if (annotated) out += "from typing import Sequence, Union\n\n";
  out +=
      "from alembic import op\nimport sqlalchemy as sa\n\n\n# revision identifiers, used by "
      "Alembic.\n";
  if (annotated) {
    out += fmt::format(
        "revision: str = '{}'\ndown_revision: Union[str, None] = {}\n"
        "branch_labels: Union[str, Sequence[str], None] = None\n"
        "depends_on: Union[str, Sequence[str], None] = None\n\n\n"
        "def upgrade() -> None:\n    pass\n\n\ndef downgrade() -> None:\n    pass\n",
        id, down);
  } else {
    out += fmt::format(
        "revision = '{}'\ndown_revision = {}\nbranch_labels = None\ndepends_on = None\n\n\n"
        "def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n",
        id, down);
  }
  return out;
}

std::string alembic_merge_file_name(std::string_view id) {
  return fmt::format("{}_merge_heads.py", id);
}

AlembicRollback plan_alembic_rollback(const AlembicHistory& old_history,
                                      const AlembicHistory* new_history) {
  const std::size_t n = old_history.revisions.size();
  std::vector<char> gone(n, 0);
  const auto parents_of = [](const AlembicRevision& r) {
    std::vector<std::string> ids;
    for (const RevisionIdRef& d : r.down_revisions) ids.push_back(d.id);
    std::sort(ids.begin(), ids.end());
    return ids;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const AlembicRevision& r = old_history.revisions[i];
    const int there = new_history == nullptr ? -1 : new_history->find(r.revision);
    gone[i] = there < 0 ||
              parents_of(new_history->revisions[static_cast<std::size_t>(there)]) != parents_of(r);
  }
  // Descendants go too: a revision cannot stay applied once its parent is undone.
  std::vector<std::vector<int>> children(n);
  std::vector<int> todo;
  for (std::size_t i = 0; i < n; ++i) {
    for (int p : old_history.down[i]) {
      children[static_cast<std::size_t>(p)].push_back(static_cast<int>(i));
    }
    if (gone[i]) todo.push_back(static_cast<int>(i));
  }
  while (!todo.empty()) {
    const auto v = static_cast<std::size_t>(todo.back());
    todo.pop_back();
    for (int c : children[v]) {
      if (!gone[static_cast<std::size_t>(c)]) {
        gone[static_cast<std::size_t>(c)] = 1;
        todo.push_back(c);
      }
    }
  }
  AlembicRollback out;
  out.location = old_history.location;
  std::set<std::string> targets;
  for (std::size_t i = 0; i < n; ++i) {
    if (!gone[i]) continue;
    out.removed.push_back(old_history.revisions[i].revision);
    if (old_history.down[i].empty()) targets.insert("base");
    for (int p : old_history.down[i]) {
      if (!gone[static_cast<std::size_t>(p)]) {
        targets.insert(old_history.revisions[static_cast<std::size_t>(p)].revision);
      }
    }
  }
  out.targets.assign(targets.begin(), targets.end());
  return out;
}

std::string alembic_downgrade_advice(const AlembicReparent& reparent) {
  const std::string target = reparent.fork_point.empty() ? "base" : reparent.fork_point;
  return fmt::format(
      "revision {} moved: a database that already applied it would skip the other side's "
      "revisions (alembic_version stores only heads); on the branch that has it, run "
      "`alembic downgrade {}` first",
      reparent.revision, target);
}

}  // namespace migline
