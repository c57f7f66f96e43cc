#include "project/safety_check.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <set>

#include "core/plan/migration_name.hpp"
#include "core/safety/column_types.hpp"
#include "core/safety/safety_replay.hpp"
#include "core/safety/sql_statement.hpp"

namespace migline {
namespace {

using Node = MigrationGraph::Node;

// Every live node, each after its parents (ties by node id), as indices into the migrations.
std::vector<int> topological_migrations(const MigrationGraph& graph) {
  const std::vector<Node>& nodes = graph.nodes();
  std::vector<int> waiting(nodes.size(), 0);
  std::priority_queue<int, std::vector<int>, std::greater<>> ready;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    waiting[i] = static_cast<int>(nodes[i].parents.size());
    if (waiting[i] == 0) ready.push(static_cast<int>(i));
  }
  std::vector<int> out;
  std::vector<bool> done(nodes.size(), false);
  while (!ready.empty()) {
    const int id = ready.top();
    ready.pop();
    done[static_cast<std::size_t>(id)] = true;
    const Node& n = nodes[static_cast<std::size_t>(id)];
    if (!n.removed && n.migration >= 0) out.push_back(n.migration);
    for (int child : n.children) {
      if (--waiting[static_cast<std::size_t>(child)] == 0) ready.push(child);
    }
  }
  // A cycle (already reported by the loader) leaves nodes behind: replay them last.
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!done[i] && !nodes[i].removed && nodes[i].migration >= 0) out.push_back(nodes[i].migration);
  }
  return out;
}

// The models `ops` change, and those their new fields reference (a proxy's migration tells
// which table a foreign key to it names).
void touched_models(const std::string& app, const std::vector<Operation>& ops,
                    const SwappableSettings& settings, std::set<std::string>& out) {
  for (const Operation& op : ops) {
    if (!op.model.empty()) out.insert(app + "." + op.model);
    if (!op.new_model.empty()) out.insert(app + "." + op.new_model);
    if (op.definition && op.definition->foreign_key()) {
      const std::string to = resolve_model_reference(op.definition->get("to", ""), app, settings);
      if (!to.empty()) out.insert(to);
    }
    touched_models(app, op.database_operations, settings, out);
    touched_models(app, op.state_operations, settings, out);
  }
}

// The models whose Django default table (`<label>_<model>`) a RunSQL of `ops` names, so that
// the earlier migrations that define them are replayed too.
void sql_models(const std::vector<Operation>& ops, const std::set<std::string>& labels,
                SqlDialect dialect, std::set<std::string>& out) {
  for (const Operation& op : ops) {
    sql_models(op.database_operations, labels, dialect, out);
    for (const SqlText& text : op.sql) {
      if (!text.known) continue;
      for (const SqlAction& a : classify_sql(text.text, dialect)) {
        for (const std::string& label : labels) {
          if (a.table.size() > label.size() + 1 && a.table.compare(0, label.size(), label) == 0 &&
              a.table[label.size()] == '_') {
            out.insert(label + "." + a.table.substr(label.size() + 1));
          }
        }
      }
    }
  }
}

void renames(const std::string& app, const std::vector<Operation>& ops,
             std::vector<std::pair<std::string, std::string>>& out) {
  for (const Operation& op : ops) {
    if (op.type == "RenameModel") out.emplace_back(app + "." + op.model, app + "." + op.new_model);
    renames(app, op.state_operations, out);
  }
}

class SafetyRun {
 public:
  SafetyRun(const Project& project, const FileSource& source, const FileSource* base)
      : project_(project), source_(source), base_(base) {}

  Diagnostics run() {
    static const std::vector<std::string> kNone;
    const std::vector<std::string>& base_paths = base_ != nullptr ? base_->paths() : kNone;
    const MigrationGraph& graph = project_.graph;
    std::set<int> on_branch;
    for (std::size_t i = 0; i < project_.migrations.size(); ++i) {
      const int node = graph.node_of(static_cast<int>(i));
      if (node < 0 || graph.nodes()[static_cast<std::size_t>(node)].removed) continue;
      if (!at_base(static_cast<int>(i))) on_branch.insert(static_cast<int>(i));
    }
    drop_what_the_base_has(base_paths, on_branch);
    if (on_branch.empty()) return {};

    std::set<std::string> relevant;
    for (int i : on_branch) {
      touched_models(app_of(i), read(i).operations, project_.config.settings, relevant);
    }
    std::set<std::string> labels;
    for (const DjangoMigration& m : project_.migrations) labels.insert(m.app);
    const SqlDialect dialect =
        project_.config.safety.database == SafetyDatabase::MySQL    ? SqlDialect::MySQL
        : project_.config.safety.database == SafetyDatabase::SQLite ? SqlDialect::SQLite
                                                                    : SqlDialect::PostgreSQL;
    for (int i : on_branch) sql_models(read(i).operations, labels, dialect, relevant);
    // A renamed model is the same table under two names: follow renames both ways.
    std::vector<std::pair<std::string, std::string>> renamed;
    for (std::size_t i = 0; i < project_.migrations.size(); ++i) {
      const int id = static_cast<int>(i);
      if (has_shallow(id, "RenameModel") || has_shallow(id, "SeparateDatabaseAndState") ||
          has_shallow(id, "RunSQL")) {
        renames(app_of(id), read(id).operations, renamed);
      }
    }
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [from, to] : renamed) {
        if (relevant.count(from) != relevant.count(to)) {
          relevant.insert(from);
          relevant.insert(to);
          grew = true;
        }
      }
    }

    std::vector<ReplayedMigration> replay;
    for (int i : topological_migrations(graph)) {
      const bool branch = on_branch.count(i) != 0;
      if (!branch && !changed_since_base(i) && !matters(i, relevant)) continue;
      ReplayedMigration m;
      m.app = app_of(i);
      m.path = project_.migrations[static_cast<std::size_t>(i)].path;
      m.operations = &read(i);
      m.source = sources_[i];
      m.on_branch = branch;
      if (branch) {
        const DeployMarks marks = read_deploy_marks(m.path, m.source, *m.operations);
        // A migration mixing stages cannot run after the deploy: judged as today, with
        // the plan's stage-mixed error beside it.
        const StageVerdict stage =
            decide_deploy_stage(marks, *m.operations, project_.config.safety.stages);
        m.post_deploy = stage.stage == DeployStage::PostDeploy && !stage.mixed;
      }
      replay.push_back(std::move(m));
    }
    SafetyOptions options = project_.config.safety;
    options.settings = project_.config.settings;
    return judge_migrations(replay, options);
  }

 private:
  // What the base's database already has is never judged again: a squash whose
  // `replaces` names a migration present at the base (its operations ran long ago), and a
  // migration the branch only renamed or renumbered (same directory and suffix as a base
  // migration gone from the branch). They are still replayed into the state.
  void drop_what_the_base_has(const std::vector<std::string>& base_paths,
                              std::set<int>& on_branch) const {
    std::set<std::string> paths;
    for (const DjangoMigration& m : project_.migrations) paths.insert(m.path);
    auto at_base = [&](const std::string& path) {
      return std::binary_search(base_paths.begin(), base_paths.end(), path);
    };
    for (auto it = on_branch.begin(); it != on_branch.end();) {
      const DjangoMigration& m = project_.migrations[static_cast<std::size_t>(*it)];
      const std::string dir = m.path.substr(0, m.path.rfind('/') + 1);
      bool base = false;
      for (const MigrationRef& r : m.replaces)
        base |= r.app == m.app && at_base(dir + r.name + ".py");
      const MigrationNumber number = split_migration_number(m.name);
      if (!base && !number.digits.empty() && number.suffix.size() > 1) {
        // Another number, the same suffix, present at the base and gone now.
        const auto first = std::lower_bound(base_paths.begin(), base_paths.end(), dir);
        for (auto p = first; p != base_paths.end() && p->compare(0, dir.size(), dir) == 0; ++p) {
          const std::string file = p->substr(dir.size());
          if (file.find('/') != std::string::npos || file.size() < 3) continue;
          const std::string name = file.substr(0, file.size() - 3);
          const MigrationNumber other = split_migration_number(name);
          if (name != m.name && !other.digits.empty() && other.suffix == number.suffix &&
              paths.count(*p) == 0) {
            base = true;
            break;
          }
        }
      }
      it = base ? on_branch.erase(it) : std::next(it);
    }
  }

  bool at_base(int i) const {
    if (base_ == nullptr) return false;
    const std::vector<std::string>& paths = base_->paths();
    return std::binary_search(paths.begin(), paths.end(),
                              project_.migrations[static_cast<std::size_t>(i)].path);
  }

  // Whether migration `i`, present at the base, was edited since: its reading on the branch
  // then says nothing about what it did to the database, so it is always replayed.
  bool changed_since_base(int i) const {
    if (!at_base(i)) return false;
    const std::string& path = project_.migrations[static_cast<std::size_t>(i)].path;
    const std::optional<KnownBlob> now = source_.known_blob(path);
    const std::optional<KnownBlob> then = base_->known_blob(path);
    return now && then && git_oid_cmp(&now->id, &then->id) != 0;
  }

  const std::string& app_of(int i) const {
    return project_.migrations[static_cast<std::size_t>(i)].app;
  }

  bool has_shallow(int i, std::string_view type) const {
    for (const MigrationOperation& op :
         project_.migrations[static_cast<std::size_t>(i)].operations) {
      if (op.type == type) return true;
    }
    return false;
  }

  // Whether migration `i` may change a relevant model, judged from the shallow reading: an
  // operation that names no model (RunSQL state operations, SeparateDatabaseAndState, a
  // non-literal name) might, except RunPython, which never changes the state.
  bool matters(int i, const std::set<std::string>& relevant) const {
    const std::string& app = app_of(i);
    for (const MigrationOperation& op :
         project_.migrations[static_cast<std::size_t>(i)].operations) {
      if (op.model.empty() ? op.type != "RunPython" : relevant.count(app + "." + op.model) != 0) {
        return true;
      }
    }
    return false;
  }

  const MigrationOperations& read(int i) {
    auto it = read_.find(i);
    if (it != read_.end()) return it->second;
    const DjangoMigration& m = project_.migrations[static_cast<std::size_t>(i)];
    // A migration published at the base ran as the base has it, whatever the branch made of
    // it (an edit is check's `published-modified`, not a change of the database).
    std::string& text = sources_[i];
    auto base_text = at_base(i) ? base_->read(m.path) : tl::make_unexpected(std::string());
    // A file that cannot be read now was read by the loader a moment ago; treat it as empty.
    text = base_text ? *base_text : source_.read(m.path).value_or("");
    return read_.emplace(i, read_migration_operations(m.path, text)).first->second;
  }

  const Project& project_;
  const FileSource& source_;
  const FileSource* base_;
  std::map<int, std::string> sources_;
  std::map<int, MigrationOperations> read_;
};

}  // namespace

Diagnostics check_safety(const Project& project, const FileSource& source, const FileSource* base) {
  return SafetyRun(project, source, base).run();
}

}  // namespace migline
