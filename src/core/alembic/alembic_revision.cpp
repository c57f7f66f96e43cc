#include "core/alembic/alembic_revision.hpp"

#include <optional>
#include <utility>

#include "core/python/python_expression.hpp"
#include "core/python/python_outline.hpp"

namespace migline {

namespace {

constexpr std::string_view kFormHint =
    "migline reads revision files as text: write a string literal, None, or a tuple or list "
    "of string literals";

// A module-level assignment's value: one expression, or a bare tuple `"a", "b"`.
struct Value {
  PyExpr expr;
  bool found = false;
};

class RevisionVisitor : public ClassVisitor {
 public:
  Value revision, down_revision, branch_labels, depends_on;
  bool annotated = false;

  void class_begin(const Token&) override {}
  void statement(TokenStream&, const Token&, bool) override {}

  void module_statement(TokenStream& tokens, const Token& first) override {
    if (first.kind != TokenKind::Name) return;
    Value* target = first.text == "revision"        ? &revision
                    : first.text == "down_revision" ? &down_revision
                    : first.text == "branch_labels" ? &branch_labels
                    : first.text == "depends_on"    ? &depends_on
                                                    : nullptr;
    if (target == nullptr) return;
    tokens.take();
    const Token& next = tokens.peek();
    bool is_annotated = false;
    if (next.is_op(":")) {
      // `name: Annotation = value`; an annotation without a value assigns nothing.
      is_annotated = true;
      tokens.take();
      while (!(tokens.peek().is_op("=") && tokens.peek().depth == first.depth)) {
        const Token& t = tokens.peek();
        if (t.kind == TokenKind::Newline || t.kind == TokenKind::End ||
            t.kind == TokenKind::Error || (t.is_op(";") && t.depth == first.depth)) {
          return;
        }
        tokens.take();
      }
    } else if (!next.is_op("=")) {
      if (next.kind == TokenKind::Operator && !next.is_op(";") && !next.is_op(".") &&
          !next.is_op("(") && !next.is_op("[")) {
        tokens.error(next.span,
                     std::string("`") + std::string(first.text) +
                         "` is assigned in a form migline cannot read",
                     std::string(kFormHint));
        target->found = true;
        target->expr = PyExpr{};
        target->expr.span = first.span;
      }
      return;
    }
    tokens.take();  // `=`
    Value v;
    v.found = true;
    v.expr = read_python_expression(tokens);
    if (tokens.peek().is_op(",") && tokens.peek().depth == first.depth) {
      // A bare tuple: `down_revision = "a", "b"`.
      PyExpr tuple;
      tuple.kind = PyExpr::Kind::Tuple;
      tuple.span = v.expr.span;
      tuple.items.push_back(std::move(v.expr));
      while (tokens.peek().is_op(",") && tokens.peek().depth == first.depth) {
        tokens.take();
        const Token& t = tokens.peek();
        if (t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.is_op(";")) break;
        tuple.items.push_back(read_python_expression(tokens));
        const SourceSpan& last = tuple.items.back().span;
        tuple.span.length = last.offset + last.length - tuple.span.offset;
      }
      v.expr = std::move(tuple);
    }
    if (!(tokens.peek().kind == TokenKind::Newline || tokens.peek().kind == TokenKind::End ||
          tokens.peek().is_op(";"))) {
      // `a = b = "x"` and the like.
      v.expr = PyExpr{};
      v.expr.span = first.span;
    }
    *target = std::move(v);
    if (target == &revision) annotated = is_annotated;
  }
};

// A Name the config states, read as its string.
PyExpr with_constants(const PyExpr& e, const AlembicConstants& constants) {
  PyExpr out = e;
  if (e.kind == PyExpr::Kind::Name) {
    auto it = constants.find(e.text);
    if (it != constants.end()) {
      out.kind = PyExpr::Kind::String;
      out.text = it->second;
    }
  }
  for (PyExpr& item : out.items) item = with_constants(item, constants);
  return out;
}

// Reads None / a string / a tuple or list of strings into `out`; false when it is another form.
bool read_ids(const PyExpr& raw, std::vector<RevisionIdRef>& out, bool& none,
              const AlembicConstants& constants) {
  const PyExpr e = constants.empty() ? raw : with_constants(raw, constants);
  none = false;
  if (e.kind == PyExpr::Kind::Name && e.text == "None") {
    none = true;
    return true;
  }
  if (e.kind == PyExpr::Kind::String) {
    out.push_back({e.text, e.span});
    return true;
  }
  if (e.kind == PyExpr::Kind::Tuple || e.kind == PyExpr::Kind::List) {
    for (const PyExpr& item : e.items) {
      if (item.kind != PyExpr::Kind::String) return false;
      out.push_back({item.text, item.span});
    }
    none = out.empty();
    return true;
  }
  return false;
}

// Finds `Revises:` in the module docstring, the first statement of the module.
void find_revises_line(std::string_view source, AlembicRevision& out) {
  PythonLexer lexer(source);
  Token t = lexer.next();
  while (t.kind == TokenKind::Newline) t = lexer.next();
  if (t.kind != TokenKind::String) return;
  const std::string_view doc = source.substr(t.span.offset, t.span.length);
  std::size_t at = 0;
  while (at < doc.size()) {
    std::size_t end = doc.find('\n', at);
    if (end == std::string_view::npos) end = doc.size();
    std::string_view line = doc.substr(at, end - at);
    std::size_t lead = line.find_first_not_of(" \t");
    if (lead != std::string_view::npos && line.substr(lead).rfind("Revises:", 0) == 0) {
      std::size_t value = lead + 8;
      while (value < line.size() && (line[value] == ' ' || line[value] == '\t')) ++value;
      std::size_t stop = line.size();
      while (stop > value &&
             (line[stop - 1] == ' ' || line[stop - 1] == '\r' || line[stop - 1] == '\t')) {
        --stop;
      }
      // A one-line docstring closes on the same line: stop before its quotes.
      const std::string_view rest = line.substr(value, stop - value);
      const std::size_t quote = rest.find_first_of("\"'");
      if (quote != std::string_view::npos) stop = value + quote;
      out.revises_value = span_at(source, t.span.offset + at + value, stop - value);
      out.has_revises_line = true;
      return;
    }
    at = end + 1;
  }
}

bool all_hex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool is_alembic_revision_file(std::string_view file_name) {
  if (file_name.size() < 3 || file_name.substr(file_name.size() - 3) != ".py") return false;
  if (file_name.rfind("__init__", 0) == 0 || file_name.rfind(".#", 0) == 0) return false;
  return true;
}

std::optional<std::string> unreadable_revision_id(std::string_view path, std::string_view source) {
  TokenStream tokens(path, source);
  RevisionVisitor visitor;
  visit_classes(tokens, visitor);
  if (visitor.revision.found && visitor.revision.expr.kind == PyExpr::Kind::String) {
    return visitor.revision.expr.text;
  }
  const std::size_t slash = path.find_last_of('/');
  std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::size_t end = 0;
  while (end < file.size() &&
         ((file[end] >= '0' && file[end] <= '9') || (file[end] >= 'a' && file[end] <= 'f'))) {
    ++end;
  }
  if (end == 0) return std::nullopt;
  return std::string(file.substr(0, end));
}

tl::expected<AlembicRevision, Diagnostics> read_alembic_revision(
    std::string_view path, std::string_view source, const AlembicConstants& constants) {
  TokenStream tokens(path, source);
  RevisionVisitor visitor;
  visit_classes(tokens, visitor);
  if (tokens.failed()) return tl::make_unexpected(std::move(tokens.diagnostics()));

  AlembicRevision out;
  out.path = std::string(path);
  out.annotated = visitor.annotated;
  const auto bad_form = [&](const PyExpr& e, std::string_view name) {
    tokens.error(e.span,
                 std::string("`") + std::string(name) + "` is not a literal migline can read",
                 std::string(kFormHint));
  };

  if (visitor.revision.found) {
    const PyExpr e = with_constants(visitor.revision.expr, constants);
    if (e.kind != PyExpr::Kind::String) {
      bad_form(e, "revision");
    } else {
      out.revision = e.text;
      out.revision_span = e.span;
    }
  } else {
    // Alembic's legacy rule: without `revision`, a hex file name is the id.
    const std::size_t slash = path.find_last_of('/');
    std::string_view file = slash == std::string_view::npos ? path : path.substr(slash + 1);
    std::string_view stem = file.size() > 3 ? file.substr(0, file.size() - 3) : file;
    if (all_hex(stem)) {
      out.revision = std::string(stem);
    } else {
      tokens.diagnostics().push_back(
          file_error(path, "no module-level `revision` in this revision file",
                     "Alembic cannot load it either: set `revision = \"<id>\"`, or move the file "
                     "out of the versions directory"));
    }
  }
  if (!out.revision.empty()) {
    for (char c : out.revision) {
      if (c == '@' || c == '-' || c == '+') {
        tokens.error(out.revision_span,
                     "revision id '" + out.revision + "' holds '" + std::string(1, c) +
                         "', which Alembic does not allow",
                     "Alembic reserves `@`, `-` and `+` for revision arithmetic");
        break;
      }
    }
  }

  if (!visitor.down_revision.found) {
    tokens.diagnostics().push_back(file_error(
        path, "no module-level `down_revision` in this revision file",
        "Alembic cannot load it either: set `down_revision = None` for a base revision"));
  } else {
    const PyExpr& e = visitor.down_revision.expr;
    out.down_revision_span = e.span;
    if (!read_ids(e, out.down_revisions, out.down_revision_none, constants)) {
      out.down_revisions.clear();
      bad_form(e, "down_revision");
    }
  }
  bool none = false;
  if (visitor.branch_labels.found &&
      !read_ids(visitor.branch_labels.expr, out.branch_labels, none, constants)) {
    bad_form(visitor.branch_labels.expr, "branch_labels");
  }
  if (visitor.depends_on.found &&
      !read_ids(visitor.depends_on.expr, out.depends_on, none, constants)) {
    bad_form(visitor.depends_on.expr, "depends_on");
  }
  if (has_errors(tokens.diagnostics())) return tl::make_unexpected(std::move(tokens.diagnostics()));
  find_revises_line(source, out);
  return out;
}

}  // namespace migline
