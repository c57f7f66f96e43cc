#include "core/django/migration_operations.hpp"

#include <algorithm>
#include <cctype>

#include "core/python/python_lexer.hpp"
#include "core/python/python_outline.hpp"

namespace migline {
namespace {

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string string_of(const PyExpr* e) {
  return e != nullptr && e->kind == PyExpr::Kind::String ? e->text : std::string();
}

bool is_none(const PyExpr* e) {
  return e != nullptr && e->kind == PyExpr::Kind::Name && e->text == "None";
}

// A bare name other than True/False/None may mean something else in each file; dotted names
// (`models.CASCADE`, `settings.X`) evaluate alike in every migration of one process.
bool comparable(const PyExpr& e) {
  switch (e.kind) {
    case PyExpr::Kind::Unknown:
      return false;
    case PyExpr::Kind::Name:
      return e.is_constant() || e.text.find('.') != std::string::npos;
    default:
      break;
  }
  if (e.starred) return false;
  for (const PyExpr& item : e.items) {
    if (!comparable(item)) return false;
  }
  for (const auto& kv : e.keywords) {
    if (!comparable(kv.second)) return false;
  }
  return true;
}

// Only constants and displays of them: no name or call stands for a value.
bool literal(const PyExpr& e) {
  if (e.kind == PyExpr::Kind::Unknown || e.kind == PyExpr::Kind::Call) return false;
  if (e.kind == PyExpr::Kind::Name) return e.is_constant();
  for (const PyExpr& item : e.items) {
    if (!literal(item)) return false;
  }
  for (const auto& kv : e.keywords) {
    if (!literal(kv.second)) return false;
  }
  return true;
}

StaticValue static_value(const PyExpr* e) {
  StaticValue v;
  if (e == nullptr || !comparable(*e)) return v;
  v.text = e->render();
  v.known = !v.text.empty() && literal(*e);
  return v;
}

// A call of a field class (`models.CharField`, `MoneyField`, `models.ForeignKey`), not of a
// function that builds one.
bool is_field_class(std::string_view name) {
  if (name.empty() || !(name[0] >= 'A' && name[0] <= 'Z')) return false;
  return ends_with(name, "ForeignKey") || name == "ParentalKey" || name == "GenericRelation" ||
         ends_with(name, "Field") || ends_with(name, "Manager");
}

// RunSQL's `sql` or `reverse_sql`: a string, a list or tuple of strings or `(sql, params)`.
std::vector<SqlText> sql_of(const PyExpr* e) {
  std::vector<SqlText> out;
  if (e == nullptr || is_none(e) ||
      (e->kind == PyExpr::Kind::Name && ends_with(e->text, ".noop"))) {
    return out;
  }
  auto one = [&](const PyExpr& item) {
    const PyExpr* sql = &item;
    if ((item.kind == PyExpr::Kind::Tuple || item.kind == PyExpr::Kind::List) &&
        !item.items.empty()) {
      sql = &item.items.front();
    }
    SqlText t;
    t.known = sql->kind == PyExpr::Kind::String;
    t.text = t.known ? sql->text : std::string();
    t.span = sql->span;
    out.push_back(std::move(t));
  };
  if (e->kind == PyExpr::Kind::List || e->kind == PyExpr::Kind::Tuple) {
    for (const PyExpr& item : e->items) one(item);
  } else {
    one(*e);
  }
  return out;
}

// `unique_together` as written: a set/list/tuple of field tuples, one tuple, or empty.
std::optional<std::vector<std::string>> together_of(const PyExpr* e) {
  std::vector<std::string> out;
  if (e == nullptr || is_none(e)) return out;
  if (e->kind == PyExpr::Kind::Call && e->text == "set" && e->items.empty()) return out;
  if (e->kind != PyExpr::Kind::Set && e->kind != PyExpr::Kind::List &&
      e->kind != PyExpr::Kind::Tuple) {
    return std::nullopt;
  }
  if (!e->items.empty() && e->items.front().kind == PyExpr::Kind::String) {
    StaticValue one = static_value(e);  // a single tuple of field names
    if (!one.known) return std::nullopt;
    return std::vector<std::string>{one.text};
  }
  for (const PyExpr& item : e->items) {
    StaticValue v = static_value(&item);
    if (!v.known) return std::nullopt;
    out.push_back(v.text);
  }
  return out;
}

FieldDefinition field_of(const PyExpr* e) {
  FieldDefinition f;
  if (e == nullptr || e->kind != PyExpr::Kind::Call || !is_field_class(e->last_name())) return f;
  f.known = true;
  f.cls = std::string(e->last_name());
  if (e->text.size() > f.cls.size())
    f.module = e->text.substr(0, e->text.size() - f.cls.size() - 1);
  if (f.cls == "ArrayField") {
    const PyExpr* base = e->argument(0, "base_field");
    if (base != nullptr && base->kind == PyExpr::Kind::Call && is_field_class(base->last_name())) {
      f.base_field.push_back(field_of(base));
    }
  }
  const bool relation = f.foreign_key() || f.many_to_many();
  // Positional arguments past `to, on_delete` or `verbose_name` are column attributes.
  f.starred = e->starred || e->items.size() > (relation ? 2U : 1U);
  if (relation && !e->items.empty()) f.kwargs["to"] = static_value(&e->items[0]);
  for (const auto& [name, value] : e->keywords) f.kwargs[name] = static_value(&value);
  return f;
}

// The sorted field names of a `fields=` list or tuple of strings; nullopt when not that.
std::optional<std::vector<std::string>> names_of(const PyExpr* e) {
  if (e == nullptr || (e->kind != PyExpr::Kind::List && e->kind != PyExpr::Kind::Tuple)) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const PyExpr& item : e->items) {
    if (item.kind != PyExpr::Kind::String) return std::nullopt;
    out.push_back(item.text);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `Q(parent=None)` and `Q(("parent__isnull", True))` alike: its lookups, `x=None` as
// `x__isnull=True`, sorted; the plain rendering when it holds anything else.
std::string condition_of(const PyExpr* e) {
  if (e == nullptr || is_none(e)) return {};
  if (e->kind != PyExpr::Kind::Call || e->last_name() != "Q" || e->starred) return e->render();
  std::vector<std::string> lookups;
  auto add = [&](std::string key, const PyExpr& value) {
    if (value.kind == PyExpr::Kind::Name && value.text == "None") {
      if (key.size() < 8 || key.compare(key.size() - 8, 8, "__isnull") != 0) {
        lookups.push_back(key + "__isnull=True");
        return;
      }
    }
    lookups.push_back(key + "=" + value.render());
  };
  for (const PyExpr& item : e->items) {
    if (item.kind != PyExpr::Kind::Tuple || item.items.size() != 2 ||
        item.items[0].kind != PyExpr::Kind::String) {
      return e->render();
    }
    add(item.items[0].text, item.items[1]);
  }
  for (const auto& [key, value] : e->keywords) add(key, value);
  std::sort(lookups.begin(), lookups.end());
  std::string out;
  for (const std::string& l : lookups) out += (out.empty() ? "" : "&") + l;
  return out;
}

// A `UniqueConstraint(fields=..., name=..., condition=...)`; nullopt for other constraints.
std::optional<UniqueDefinition> unique_of(const PyExpr* e) {
  if (e == nullptr || e->kind != PyExpr::Kind::Call || e->last_name() != "UniqueConstraint") {
    return std::nullopt;
  }
  UniqueDefinition u;
  u.name = string_of(e->keyword("name"));
  const auto fields = names_of(e->keyword("fields"));
  const PyExpr* condition = e->keyword("condition");
  u.condition = condition_of(condition);
  u.known = fields.has_value() && e->items.empty() && !e->starred &&
            (condition == nullptr || !u.condition.empty());
  if (fields) u.fields = *fields;
  return u;
}

int last_line_of(std::string_view source, const SourceSpan& span) {
  if (span.length == 0) return span.line;
  return span_at(source, span.offset + span.length - 1).line;
}

std::vector<Operation> operations_of(const PyExpr* list, std::string_view source);

Operation operation_of(const PyExpr& call, std::string_view source) {
  Operation op;
  op.type = std::string(call.last_name());
  op.span = call.span;
  op.last_line = last_line_of(source, call.span);
  if (const PyExpr* stage = call.keyword("stage")) op.stage = *stage;
  const std::string& t = op.type;
  if (t == "CreateModel") {
    op.model = string_of(call.argument(0, "name"));
    const PyExpr* fields = call.argument(1, "fields");
    op.fields_known = fields != nullptr &&
                      (fields->kind == PyExpr::Kind::List || fields->kind == PyExpr::Kind::Tuple);
    if (op.fields_known) {
      for (const PyExpr& entry : fields->items) {
        if (entry.kind != PyExpr::Kind::Tuple || entry.items.size() != 2 ||
            entry.items[0].kind != PyExpr::Kind::String) {
          op.fields_known = false;
          continue;
        }
        op.fields.emplace_back(entry.items[0].text, field_of(&entry.items[1]));
      }
    }
    const PyExpr* options = call.argument(2, "options");
    if (options != nullptr && options->kind == PyExpr::Kind::Dict) {
      for (std::size_t i = 0; i + 1 < options->items.size(); i += 2) {
        const std::string key = string_of(&options->items[i]);
        if (key == "db_table") op.db_table = static_value(&options->items[i + 1]);
        const PyExpr& value = options->items[i + 1];
        if (key == "unique_together") op.unique_together = together_of(&value);
        if ((key == "managed" && value.kind == PyExpr::Kind::Name && value.text == "False") ||
            (key == "proxy" && value.kind == PyExpr::Kind::Name && value.text == "True")) {
          op.no_table = true;
        }
        if (key == "constraints" &&
            (value.kind == PyExpr::Kind::List || value.kind == PyExpr::Kind::Tuple)) {
          for (const PyExpr& constraint : value.items) {
            if (auto u = unique_of(&constraint)) op.constraints.push_back(std::move(*u));
          }
        }
      }
    } else if (options != nullptr && !is_none(options)) {
      op.db_table = StaticValue{};  // options we cannot read: the table name is unknown
      op.unique_together = std::nullopt;
    }
    const PyExpr* bases = call.argument(3, "bases");
    if (op.no_table && bases != nullptr &&
        (bases->kind == PyExpr::Kind::Tuple || bases->kind == PyExpr::Kind::List) &&
        !bases->items.empty()) {
      op.proxy_base = static_value(&bases->items[0]);
    }
  } else if (t == "DeleteModel" || t == "AlterModelTable" || t == "AlterUniqueTogether" ||
             t == "AlterModelOptions" || t == "AlterIndexTogether" || t == "AlterModelManagers" ||
             t == "AlterOrderWithRespectTo") {
    op.model = string_of(call.argument(0, "name"));
    if (t == "AlterModelTable") op.db_table = static_value(call.argument(1, "table"));
    if (t == "AlterUniqueTogether") {
      op.unique_together = together_of(call.argument(1, "unique_together"));
    }
    if (t == "AlterModelOptions") {
      const PyExpr* options = call.argument(1, "options");
      if (options != nullptr && options->kind == PyExpr::Kind::Dict) {
        for (std::size_t i = 0; i + 1 < options->items.size(); i += 2) {
          const PyExpr& value = options->items[i + 1];
          if (string_of(&options->items[i]) == "managed" && value.kind == PyExpr::Kind::Name &&
              value.is_constant()) {
            op.managed = value.text != "False";
          }
        }
      }
    }
  } else if (t == "RenameModel") {
    op.model = string_of(call.argument(0, "old_name"));
    op.new_model = lowercase(string_of(call.argument(1, "new_name")));
  } else if (t == "RenameField") {
    op.model = string_of(call.argument(0, "model_name"));
    op.field = string_of(call.argument(1, "old_name"));
    op.new_field = string_of(call.argument(2, "new_name"));
  } else if (t == "RunPython" || t == "RunSQL") {
    const PyExpr* reverse = call.argument(1, t == "RunPython" ? "reverse_code" : "reverse_sql");
    op.reversible = reverse != nullptr && !is_none(reverse);
    if (t == "RunSQL") {
      op.state_operations = operations_of(call.argument(2, "state_operations"), source);
      op.sql = sql_of(call.argument(0, "sql"));
      op.reverse_sql = sql_of(reverse);
    }
  } else if (t == "SeparateDatabaseAndState") {
    op.separate = true;
    op.database_operations = operations_of(call.argument(0, "database_operations"), source);
    op.state_operations = operations_of(call.argument(1, "state_operations"), source);
  } else {
    // AddField, AlterField, RemoveField, AddIndex, RemoveIndex, AddConstraint, AddDefaultValue..
    op.model = string_of(call.argument(0, "model_name"));
    op.field = string_of(call.argument(1, "name"));
    if (t == "AddField" || t == "AlterField") op.definition = field_of(call.argument(2, "field"));
    if (t == "AddIndex" || t == "AddIndexConcurrently") {
      const PyExpr* index = call.argument(1, "index");
      if (index != nullptr && index->kind == PyExpr::Kind::Call) op.kind = index->last_name();
      op.field.clear();
    }
    if (t == "AddConstraint") {
      const PyExpr* constraint = call.argument(1, "constraint");
      if (constraint != nullptr && constraint->kind == PyExpr::Kind::Call) {
        op.kind = constraint->last_name();
      }
      op.unique = unique_of(constraint);
      op.field.clear();
    }
    if (t == "RemoveConstraint" || t == "RemoveIndex" || t == "RemoveIndexConcurrently") {
      op.name = op.field;
      op.field.clear();
    }
  }
  op.model = lowercase(op.model);
  return op;
}

std::vector<Operation> operations_of(const PyExpr* list, std::string_view source) {
  std::vector<Operation> out;
  if (list == nullptr) return out;
  if (list->kind != PyExpr::Kind::List && list->kind != PyExpr::Kind::Tuple) {
    if (list->kind == PyExpr::Kind::Call) out.push_back(operation_of(*list, source));
    return out;
  }
  for (const PyExpr& item : list->items) {
    if (item.kind == PyExpr::Kind::Call) {
      out.push_back(operation_of(item, source));
    } else {
      Operation unknown;  // not a call: something migline cannot see into
      unknown.span = item.span;
      unknown.last_line = last_line_of(source, item.span);
      out.push_back(std::move(unknown));
    }
  }
  return out;
}

class OperationsVisitor : public ClassVisitor {
 public:
  explicit OperationsVisitor(std::string_view source) : source_(source) {}

  void class_begin(const Token& name) override {
    in_migration_ = name.text == "Migration";
    if (in_migration_) {
      result_ = MigrationOperations{};
      result_.class_span = name.span;
    }
  }

  void statement(TokenStream& tokens, const Token& first, bool conditional) override {
    if (!in_migration_) return;
    if (first.is_name("atomic")) return read_atomic(tokens, conditional);
    if (conditional || !first.is_name("operations")) return;
    tokens.take();
    if (!tokens.peek().is_op("=")) return;
    tokens.take();
    const PyExpr list = read_python_expression(tokens);
    if (list.kind != PyExpr::Kind::List && list.kind != PyExpr::Kind::Tuple) return;
    result_.found = true;
    result_.operations = operations_of(&list, source_);
  }

  MigrationOperations& result() { return result_; }

 private:
  void read_atomic(TokenStream& tokens, bool conditional) {
    tokens.take();
    if (!tokens.peek().is_op("=")) return;
    tokens.take();
    const PyExpr value = read_python_expression(tokens);
    const bool literal = !conditional && value.kind == PyExpr::Kind::Name &&
                         (value.text == "True" || value.text == "False");
    if (literal) {
      result_.atomic = value.text == "True";
    } else {
      result_.atomic = std::nullopt;
    }
  }

  std::string_view source_;
  MigrationOperations result_;
  bool in_migration_ = false;
};

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

// Whether byte `offset` is inside a string literal; lexes only when a candidate was found.
class StringSpans {
 public:
  explicit StringSpans(std::string_view source) : source_(source) {}

  bool contains(std::size_t offset) {
    if (!lexed_) {
      lexed_ = true;
      PythonLexer lexer(source_);
      for (Token t = lexer.next(); t.kind != TokenKind::End && t.kind != TokenKind::Error;
           t = lexer.next()) {
        if (t.kind == TokenKind::String) spans_.push_back(t.span);
      }
    }
    return std::any_of(spans_.begin(), spans_.end(), [&](const SourceSpan& s) {
      return offset >= s.offset && offset < s.offset + s.length;
    });
  }

 private:
  std::string_view source_;
  bool lexed_ = false;
  std::vector<SourceSpan> spans_;
};

std::vector<AllowComment> read_allow_comments(std::string_view source) {
  std::vector<AllowComment> out;
  StringSpans strings(source);
  constexpr std::string_view kMarker = "migline:";
  for (std::size_t at = source.find(kMarker); at != std::string_view::npos;
       at = source.find(kMarker, at + 1)) {
    std::size_t hash = at;
    while (hash > 0 && is_space(source[hash - 1])) --hash;
    if (hash == 0 || source[hash - 1] != '#') continue;
    --hash;
    if (strings.contains(hash)) continue;
    std::size_t pos = at + kMarker.size();
    while (pos < source.size() && is_space(source[pos])) ++pos;
    if (source.substr(pos, 5) != "allow") continue;
    pos += 5;
    std::size_t end = source.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = source.size();
    std::string_view rest = source.substr(pos, end - pos);
    AllowComment allow;
    allow.span = span_at(source, hash, end - hash);
    allow.line = allow.span.line;
    const std::size_t dashes = rest.find("--");
    std::string_view rules = rest.substr(0, dashes);
    if (dashes != std::string_view::npos) {
      std::string_view reason = rest.substr(dashes + 2);
      while (!reason.empty() && is_space(reason.front())) reason.remove_prefix(1);
      while (!reason.empty() && is_space(reason.back())) reason.remove_suffix(1);
      allow.reason = std::string(reason);
    }
    std::string word;
    for (char c : std::string(rules) + " ") {
      if (c == ',' || is_space(c)) {
        if (!word.empty()) allow.rules.push_back(word);
        word.clear();
      } else {
        word += c;
      }
    }
    out.push_back(std::move(allow));
  }
  return out;
}

}  // namespace

bool FieldDefinition::foreign_key() const {
  return ends_with(cls, "ForeignKey") || ends_with(cls, "OneToOneField") || cls == "ParentalKey";
}

StaticValue FieldDefinition::get(std::string_view name, std::string_view fallback) const {
  auto it = kwargs.find(std::string(name));
  if (it != kwargs.end()) return it->second;
  if (!known || starred) return StaticValue{};
  return StaticValue{true, std::string(fallback)};
}

MigrationOperations read_migration_operations(std::string_view path, std::string_view source) {
  TokenStream tokens(path, source);
  OperationsVisitor visitor(source);
  visit_classes(tokens, visitor);
  MigrationOperations result = std::move(visitor.result());
  for (const Operation& op : result.operations) result.ignored |= op.type == "IgnoreMigration";
  result.allows = read_allow_comments(source);
  return result;
}

}  // namespace migline
