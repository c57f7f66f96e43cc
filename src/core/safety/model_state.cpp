#include "core/safety/model_state.hpp"

#include <algorithm>

#include "core/safety/column_types.hpp"

namespace migline {
namespace {

bool is_unique_field(const FieldDefinition& f) {
  return f.cls == "OneToOneField" || f.get("unique", "False").text == "True" ||
         f.get("primary_key", "False").text == "True";
}

std::string key_of(const std::string& app, const std::string& model) {
  return app + "." + model;
}

}  // namespace

UniqueDefinition unique_together_entry(const std::string& rendered) {
  UniqueDefinition u;
  u.known = true;
  for (std::size_t at = rendered.find('\''); at != std::string::npos;) {
    const std::size_t end = rendered.find('\'', at + 1);
    if (end == std::string::npos) break;
    u.fields.push_back(rendered.substr(at + 1, end - at - 1));
    at = rendered.find('\'', end + 1);
  }
  std::sort(u.fields.begin(), u.fields.end());
  return u;
}

std::optional<std::vector<UniqueDefinition>> guaranteed_uniques(const ModelState& model) {
  if (!model.unique_together) return std::nullopt;
  std::vector<UniqueDefinition> out;
  for (const auto& [name, field] : model.fields) {
    if (is_unique_field(field)) out.push_back(UniqueDefinition{true, {name}, "", ""});
  }
  for (const std::string& entry : *model.unique_together)
    out.push_back(unique_together_entry(entry));
  for (const UniqueDefinition& u : model.constraints) out.push_back(u);
  for (const UniqueDefinition& u : model.dropped_on_branch) out.push_back(u);
  return out;
}

const ModelState* ProjectState::model(const std::string& app, const std::string& model) const {
  auto it = models_.find(key_of(app, model));
  return it == models_.end() ? nullptr : &it->second;
}

const FieldDefinition* ProjectState::field(const std::string& app, const std::string& model,
                                           const std::string& name) const {
  const ModelState* m = this->model(app, model);
  if (m == nullptr) return nullptr;
  auto it = m->fields.find(name);
  return it == m->fields.end() ? nullptr : &it->second;
}

std::string ProjectState::current_name(std::string reference) const {
  // A chain of renames is short; the bound keeps a cycle (A -> B -> A) from looping.
  for (std::size_t i = 0; i <= renamed_.size(); ++i) {
    auto it = renamed_.find(reference);
    if (it == renamed_.end() || it->second == reference) break;
    reference = it->second;
  }
  return reference;
}

const FieldDefinition* ProjectState::current_field(const std::string& app, const std::string& model,
                                                   std::string name) const {
  const std::string key = current_name(key_of(app, model));
  // A chain of renames is short; the bound keeps a cycle (a -> b -> a) from looping.
  for (std::size_t i = 0; i <= renamed_fields_.size(); ++i) {
    auto it = renamed_fields_.find(key + "." + name);
    if (it == renamed_fields_.end() || it->second == name) break;
    name = it->second;
  }
  auto found = models_.find(key);
  if (found == models_.end()) return nullptr;
  auto field = found->second.fields.find(name);
  return field == found->second.fields.end() ? nullptr : &field->second;
}

std::string ProjectState::concrete_name(std::string reference) const {
  reference = current_name(std::move(reference));
  // A chain of proxies is short; the bound keeps a cycle from looping.
  for (std::size_t i = 0; i < 8; ++i) {
    auto it = models_.find(reference);
    if (it == models_.end() || it->second.proxy_of.empty()) break;
    reference = current_name(it->second.proxy_of);
  }
  return reference;
}

ModelState& ProjectState::touch(const std::string& app, const std::string& model) {
  auto [it, inserted] = models_.try_emplace(key_of(app, model));
  if (inserted) {
    // Made before anything migline replayed (or by an operation it could not read).
    it->second.db_table = StaticValue{};
    it->second.unique_together = std::nullopt;
  }
  return it->second;
}

void ProjectState::apply(const std::string& app, const Operation& op, bool on_branch) {
  for (const Operation& inner : op.state_operations) apply(app, inner, on_branch);
  if (op.model.empty()) return;
  const std::string& t = op.type;
  if (t == "CreateModel") {
    ModelState& m = models_[key_of(app, op.model)];
    m = ModelState{};
    m.created_on_branch = on_branch;
    deleted_.erase(key_of(app, op.model));
    m.fields_known = op.fields_known;
    for (const auto& [name, definition] : op.fields) m.fields[name] = definition;
    m.db_table = op.db_table;
    m.unique_together = op.unique_together;
    m.no_table = op.no_table;
    if (op.proxy_base && op.proxy_base->text != "models.Model") {
      static const SwappableSettings kNone;
      m.proxy_of = resolve_model_reference(*op.proxy_base, app, kNone);
    }
    m.constraints = op.constraints;
  } else if (t == "DeleteModel") {
    auto it = models_.find(key_of(app, op.model));
    ModelState& gone = deleted_[key_of(app, op.model)];
    gone = it == models_.end() ? ModelState{} : std::move(it->second);
    gone.deleted_on_branch = on_branch;
    if (it != models_.end()) models_.erase(it);
  } else if (t == "RenameModel") {
    if (op.new_model.empty()) return;
    ModelState moved = std::move(touch(app, op.model));
    models_.erase(key_of(app, op.model));
    models_[key_of(app, op.new_model)] = std::move(moved);
    renamed_[key_of(app, op.model)] = key_of(app, op.new_model);
  } else if (t == "AlterModelTable") {
    touch(app, op.model).db_table = op.db_table;
  } else if (t == "AlterUniqueTogether") {
    ModelState& m = touch(app, op.model);
    if (on_branch && m.unique_together && !m.created_on_branch) {
      for (const std::string& entry : *m.unique_together) {
        m.dropped_on_branch.push_back(unique_together_entry(entry));
      }
    }
    m.unique_together = op.unique_together;
  } else if (t == "AlterModelOptions") {
    if (op.managed) touch(app, op.model).no_table = !*op.managed;
  } else if (t == "AddConstraint") {
    if (op.unique && op.unique->known) touch(app, op.model).constraints.push_back(*op.unique);
  } else if (t == "RemoveConstraint") {
    ModelState& m = touch(app, op.model);
    auto it = std::find_if(m.constraints.begin(), m.constraints.end(),
                           [&](const UniqueDefinition& u) { return u.name == op.name; });
    if (it == m.constraints.end()) return;
    if (on_branch && !m.created_on_branch) m.dropped_on_branch.push_back(*it);
    m.constraints.erase(it);
  } else if (t == "AddField" || t == "AlterField") {
    if (op.field.empty() || !op.definition) return;
    ModelState& m = touch(app, op.model);
    auto it = m.fields.find(op.field);
    if (t == "AlterField" && on_branch && !m.created_on_branch && it != m.fields.end() &&
        is_unique_field(it->second) && !is_unique_field(*op.definition)) {
      m.dropped_on_branch.push_back(UniqueDefinition{true, {op.field}, "", ""});
    }
    // A field the state already holds is in the base's database: not the branch's own.
    if (t == "AddField" && on_branch && it == m.fields.end()) m.branch_fields.insert(op.field);
    m.fields[op.field] = *op.definition;
  } else if (t == "RemoveField") {
    ModelState& m = touch(app, op.model);
    m.fields.erase(op.field);
    m.branch_fields.erase(op.field);
  } else if (t == "RenameField") {
    ModelState& m = touch(app, op.model);
    auto it = m.fields.find(op.field);
    if (it == m.fields.end() || op.new_field.empty()) return;
    FieldDefinition moved = std::move(it->second);
    m.fields.erase(it);
    renamed_fields_[key_of(app, op.model) + "." + op.field] = op.new_field;
    m.renamed_on_branch.erase(op.field);
    if (on_branch) m.renamed_on_branch.insert(op.new_field);
    // Uniqueness follows the column, as Django's state follows the rename in unique_together.
    if (m.unique_together) {
      const std::string from = "'" + op.field + "'";
      for (std::string& entry : *m.unique_together) {
        for (std::size_t at = entry.find(from); at != std::string::npos;
             at = entry.find(from, at + op.new_field.size() + 2)) {
          entry.replace(at, from.size(), "'" + op.new_field + "'");
        }
      }
    }
    for (auto* list : {&m.constraints, &m.dropped_on_branch}) {
      for (UniqueDefinition& u : *list) {
        std::replace(u.fields.begin(), u.fields.end(), op.field, op.new_field);
        std::sort(u.fields.begin(), u.fields.end());
      }
    }
    m.fields[op.new_field] = std::move(moved);
    if (m.branch_fields.erase(op.field) != 0) m.branch_fields.insert(op.new_field);
  }
  // AddIndex, RemoveIndex, AddConstraint and the rest change no column: nothing to record.
}

}  // namespace migline
