#include "core/safety/model_state.hpp"

namespace migline {
namespace {

std::string key_of(const std::string& app, const std::string& model) {
  return app + "." + model;
}

}  // namespace

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
  } else if (t == "AlterModelTable") {
    touch(app, op.model).db_table = op.db_table;
  } else if (t == "AlterUniqueTogether") {
    touch(app, op.model).unique_together = op.unique_together;
  } else if (t == "AddField" || t == "AlterField") {
    if (op.field.empty() || !op.definition) return;
    touch(app, op.model).fields[op.field] = *op.definition;
  } else if (t == "RemoveField") {
    touch(app, op.model).fields.erase(op.field);
  } else if (t == "RenameField") {
    ModelState& m = touch(app, op.model);
    auto it = m.fields.find(op.field);
    if (it == m.fields.end() || op.new_field.empty()) return;
    FieldDefinition moved = std::move(it->second);
    m.fields.erase(it);
    m.fields[op.new_field] = std::move(moved);
  }
  // AddIndex, RemoveIndex, AddConstraint and the rest change no column: nothing to record.
}

}  // namespace migline
