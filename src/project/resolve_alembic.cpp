#include <random>
#include <set>

#include <fmt/format.h>

#include "core/alembic/alembic_plan.hpp"
#include "core/text/repo_path.hpp"
#include "project/resolve_planner.hpp"

namespace migline::resolving {
namespace {

// A fresh revision id as `alembic revision` makes one: 12 hex digits (uuid4's last 12).
std::string fresh_revision_id(const AlembicHistory& history) {
  std::random_device device;
  std::mt19937_64 random(static_cast<std::uint64_t>(device()) << 32 ^ device());
  for (;;) {
    const std::string id = fmt::format("{:012x}", random() & 0xffffffffffffULL);
    if (history.find(id) < 0) return id;
  }
}

std::vector<std::string> head_ids(const AlembicHistory& history, const std::vector<int>& heads) {
  std::vector<std::string> out;
  for (int h : heads) {
    out.push_back(
        history.revisions[static_cast<std::size_t>(history.heads[static_cast<std::size_t>(h)])]
            .revision);
  }
  return out;
}

}  // namespace

const AlembicHistory* Planner::alembic_history(const std::string& location) const {
  for (const AlembicHistory& h : snapshot_.project.alembic) {
    if (h.location == location) return &h;
  }
  return nullptr;
}

// Which head of a divergent group stays (core/plan/side_choice, as for Django's leaves).
tl::expected<LeafChoice, ResolveFailure> Planner::choose_alembic_heads(
    const AlembicHistory& history, const std::vector<int>& heads) {
  std::vector<int> leaves;  // revision indices
  std::vector<std::string> names;
  SideFacts facts;
  for (int h : heads) {
    const int r = history.heads[static_cast<std::size_t>(h)];
    leaves.push_back(r);
    names.push_back(history.revisions[static_cast<std::size_t>(r)].revision);
    facts.leaf_sides.push_back(side_of_path(history.revisions[static_cast<std::size_t>(r)].path));
  }
  facts.protected_name = sides_.protected_name;
  facts.move = options_.move;
  facts.operation_in_progress = sides_.operation.kind != GitOperation::None;
  const ChainPublished published = [&](int leaf, const std::vector<int>& stay) {
    std::vector<char> chain(history.revisions.size(), 1);
    for (int s : stay) {
      const std::vector<char> own = alembic_moving_chain(history, s, leaf);
      for (std::size_t i = 0; i < chain.size(); ++i) chain[i] = chain[i] && own[i];
    }
    for (std::size_t i = 0; i < chain.size(); ++i) {
      if (chain[i] && sides_.published.count(repo_path(history.revisions[i].path)) != 0) {
        return true;
      }
    }
    return false;
  };
  auto chosen =
      choose_kept_leaf("alembic history " + history.location, leaves, names, facts, published);
  if (!chosen) return tl::make_unexpected(refused(chosen.error().message, chosen.error().hint));
  return std::move(*chosen);
}

// A merge revision as `alembic merge heads` writes it, beside the first head, in the style of
// the history's script.py.mako (typed when the template annotates `revision`).
void Planner::plan_alembic_merge(const AlembicHistory& history, const std::vector<int>& heads) {
  const std::vector<std::string> ids = head_ids(history, heads);
  const std::string id = fresh_revision_id(history);
  const int first = history.heads[static_cast<std::size_t>(heads.front())];
  const std::string& first_path = history.revisions[static_cast<std::size_t>(first)].path;
  const std::string path = join_path(path_dirname(first_path), alembic_merge_file_name(id));
  // A history at the project root is named ".".
  const std::string dir = history.location == "." ? std::string() : history.location;
  auto mako = index_->read_extra(join_path(dir, "script.py.mako"));
  const bool annotated = mako && *mako && (*mako)->find("revision: str") != std::string::npos;
  changes_[path] = render_alembic_merge_revision(id, ids, options_.create_date, annotated);
  report_.push_back(fmt::format("alembic {}: heads {} merged by revision {}", history.location,
                                fmt::join(ids, ", "), id));
  report_.push_back(fmt::format("  create {}", path));
}

// Re-parents the chain of `moving` onto `kept` in the history at `location`, as the project
// stands now; the database warning for each re-parented root.
tl::expected<void, ResolveFailure> Planner::reparent_alembic(const std::string& location,
                                                             const std::string& kept,
                                                             const std::string& moving) {
  const AlembicHistory* history = alembic_history(location);
  if (history == nullptr)
    return tl::make_unexpected(refused("alembic history " + location + " went away"));
  const std::vector<char> chain =
      alembic_moving_chain(*history, history->find(kept), history->find(moving));
  std::map<std::string, std::string> sources;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (!chain[i]) continue;
    const std::string& path = history->revisions[i].path;
    auto text = snapshot_.source->read(path);
    if (!text) return tl::make_unexpected(failed(file_error(path, text.error())));
    sources[path] = std::move(*text);
  }
  auto plan = plan_alembic_linearization(*history, kept, moving, sources);
  if (!plan) {
    return tl::make_unexpected(
        refused(fmt::format("alembic history {}: {}", location, plan.error())));
  }
  report_.push_back(fmt::format("  moves  {}", fmt::join(plan->moved, ", ")));
  for (const AlembicReparent& re : plan->reparents) {
    sources[re.path] = apply_edits(sources[re.path], re.edits);
    changes_[re.path] = sources[re.path];
    report_.push_back(
        fmt::format("  reparent {}: {} now follows {}", repo_path(re.path), re.revision, kept));
    Diagnostic d = file_error(repo_path(re.path), alembic_downgrade_advice(re));
    d.severity = Severity::Warning;
    d.rule = "alembic-downgrade";
    warnings_.push_back(std::move(d));
  }
  // Numbered files move after the rest; a chain renamed onto another's old name keeps it.
  std::set<std::string> new_paths;
  for (const AlembicRename& r : plan->renames) {
    changes_[r.new_path] = sources[r.path];
    new_paths.insert(r.new_path);
    renames_.emplace_back(repo_path(r.path), repo_path(r.new_path));
  }
  for (const AlembicRename& r : plan->renames) {
    if (new_paths.count(r.path) == 0) changes_[r.path] = std::nullopt;
  }
  return reload(false);
}

tl::expected<void, ResolveFailure> Planner::plan_alembic(const std::string& strategy) {
  std::vector<std::string> locations;
  for (const AlembicHistory& h : snapshot_.project.alembic) {
    if (!h.divergent_groups().empty()) locations.push_back(h.location);
  }
  for (const std::string& location : locations) {
    const AlembicHistory* history = alembic_history(location);
    if (strategy == "merge") {
      for (const std::vector<int>& group : history->divergent_groups()) {
        plan_alembic_merge(*history, group);
      }
      continue;
    }
    // One group at a time: each re-parenting changes the history the next one is planned on.
    for (std::size_t guard = history->revisions.size(); guard > 0; --guard) {
      history = alembic_history(location);
      if (history == nullptr) break;  // the validation that follows says what is left
      const std::vector<std::vector<int>> groups = history->divergent_groups();
      if (groups.empty()) break;
      auto choice = choose_alembic_heads(*history, groups.front());
      if (!choice) return tl::make_unexpected(choice.error());
      std::string kept = history->revisions[static_cast<std::size_t>(choice->kept)].revision;
      std::vector<std::string> moving;
      for (int r : choice->moving) {
        moving.push_back(history->revisions[static_cast<std::size_t>(r)].revision);
      }
      report_.push_back(fmt::format("alembic {}: {} heads; {} stays, {} move{}", location,
                                    moving.size() + 1, kept, fmt::join(moving, ", "),
                                    moving.size() == 1 ? "s" : ""));
      // Each moving chain goes after the one before it: ids never change, so its head does
      // not either.
      for (const std::string& head : moving) {
        if (auto moved = reparent_alembic(location, kept, head); !moved) return moved;
        kept = head;
      }
    }
  }
  return {};
}

}  // namespace migline::resolving
