#include "core/django/django_migration.hpp"

#include <optional>

#include <fmt/format.h>

#include "core/plan/migration_name.hpp"
#include "core/python/python_outline.hpp"
#include "core/text/conflict_marker.hpp"

namespace migline {
namespace {

constexpr std::string_view kStaticHint =
    "migline reads migrations without running them; write a literal list of "
    "(\"app_label\", \"migration_name\") tuples";

bool is_tracked_attribute(std::string_view name) {
  return name == "dependencies" || name == "replaces" || name == "run_before";
}

bool is_assignment_operator(const Token& t) {
  if (t.kind != TokenKind::Operator) return false;
  return t.text == "=" || t.text == ":=" ||
         (t.text.size() >= 2 && t.text.back() == '=' && t.text != "==" && t.text != "!=" &&
          t.text != "<=" && t.text != ">=");
}

// The identifier in a string token such as `'order'` or `"Order"`; empty for anything else.
std::string identifier_in_string(std::string_view token) {
  if (token.size() < 3) return {};
  const char quote = token.back();
  if ((quote != '\'' && quote != '"') || token.front() != quote) return {};
  const std::string_view body = token.substr(1, token.size() - 2);
  return is_plain_name(body) ? std::string(body) : std::string();
}

SourceSpan join(const SourceSpan& first, const SourceSpan& last) {
  SourceSpan s = first;
  s.length = last.offset + last.length - first.offset;
  return s;
}

class MigrationVisitor : public ClassVisitor {
 public:
  explicit MigrationVisitor(const SwappableSettings& settings) : settings_(settings) {}

  void class_begin(const Token& name) override {
    in_migration_ = name.text == "Migration";
    if (in_migration_) {
      // A later definition replaces an earlier one, as it does when Python runs the module.
      result_ = DjangoMigration{};
      result_.class_span = name.span;
      found_ = true;
    }
  }

  void statement(TokenStream& tokens, const Token& first, bool conditional) override {
    if (!in_migration_) return;
    if (first.kind != TokenKind::Name) return;
    if (first.is_name("operations") && !conditional) {
      read_operations(tokens);
      return;
    }
    if (!is_tracked_attribute(first.text)) {
      check_chained_assignment(tokens);
      return;
    }
    tokens.take();
    const Token op = tokens.peek();
    if (conditional && (is_assignment_operator(op) || op.is_op(":") || op.is_op("."))) {
      tokens.error(
          first.span,
          fmt::format("`{}` is set inside a block and cannot be evaluated statically", first.text),
          std::string(kStaticHint));
      return;
    }
    if (op.is_op(":")) {  // an annotated assignment: `dependencies: list = [...]`
      while (!tokens.peek().is_op("=") || tokens.peek().depth != first.depth) {
        const Token& t = tokens.peek();
        if (t.kind == TokenKind::Newline || t.kind == TokenKind::End ||
            t.kind == TokenKind::Error || (t.depth == 0 && t.is_op(";"))) {
          return;
        }
        tokens.take();
      }
    } else if (!op.is_op("=")) {
      if (is_assignment_operator(op) || op.is_op(".") || op.is_op("[") || op.is_op(",")) {
        tokens.error(op.span,
                     fmt::format("`{}` is changed with '{}' and cannot be evaluated statically",
                                 first.text, op.text),
                     std::string(kStaticHint));
      }
      return;
    }
    tokens.take();  // '='
    std::optional<std::vector<MigrationRef>> refs = read_ref_list(tokens, first.text);
    if (!refs) return;
    const Token& after = tokens.peek();
    if (after.kind != TokenKind::Newline && after.kind != TokenKind::End &&
        after.kind != TokenKind::Error && !after.is_op(";")) {
      tokens.error(after.span,
                   fmt::format("`{}` continues with '{}' and cannot be evaluated statically",
                               first.text, after.text),
                   std::string(kStaticHint));
      return;
    }
    if (first.text == "dependencies") {
      result_.dependencies = std::move(*refs);
    } else if (first.text == "replaces") {
      result_.replaces = std::move(*refs);
    } else {
      result_.run_before = std::move(*refs);
    }
  }

  void module_statement(TokenStream& tokens, const Token& first) override {
    if (!first.is_name("Migration") || !found_) return;
    tokens.take();
    const Token& next = tokens.peek();
    if (next.is_op(".") || is_assignment_operator(next)) {
      tokens.error(first.span, "`Migration` is changed after its definition",
                   "migline reads migrations without running them; keep the class as written");
    }
  }

  bool found() const { return found_; }
  DjangoMigration& result() { return result_; }

 private:
  // `x = dependencies = [...]` also assigns the attribute; refuse to guess.
  void check_chained_assignment(TokenStream& tokens) {
    bool after_assign = false;
    while (true) {
      const Token& t = tokens.peek();
      if (t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.kind == TokenKind::Error ||
          (t.depth == 0 && t.is_op(";"))) {
        return;
      }
      Token taken = tokens.take();
      if (taken.depth == 0 && after_assign && taken.kind == TokenKind::Name &&
          is_tracked_attribute(taken.text) && tokens.peek().is_op("=")) {
        tokens.error(taken.span,
                     fmt::format("`{}` is set in a chained assignment and cannot be "
                                 "evaluated statically",
                                 taken.text),
                     std::string(kStaticHint));
        return;
      }
      after_assign = taken.depth == 0 && taken.is_op("=");
    }
  }

  // `operations = [migrations.AddField(model_name="order", ...), ...]`: each call's class
  // and the model it names (`model_name=`, else the first positional string, else `name=`).
  // Anything unexpected just ends the reading; operations are only ever shown to people.
  void read_operations(TokenStream& tokens) {
    tokens.take();
    if (!tokens.peek().is_op("=")) return;
    tokens.take();
    const Token open = tokens.peek();
    if (!open.is_op("[") && !open.is_op("(")) return;
    tokens.take();
    const int element = open.depth + 1;
    MigrationOperation op;
    std::string name_argument;
    std::string_view last_name;
    std::string_view keyword;
    bool first_argument = false;
    auto finish = [&] {
      if (op.type.empty()) return;
      if (op.model.empty()) op.model = name_argument;
      for (char& c : op.model) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      result_.operations.push_back(std::move(op));
      op = MigrationOperation{};
      name_argument.clear();
    };
    while (true) {
      const Token t = tokens.peek();
      if (t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.kind == TokenKind::Error ||
          t.depth < element) {
        break;
      }
      tokens.take();
      if (t.depth == element) {
        if (t.kind == TokenKind::Name) last_name = t.text;
        if (t.is_op("(") && op.type.empty()) {
          op.type = std::string(last_name);
          first_argument = true;
        }
        if (t.is_op(",")) finish();
        continue;
      }
      if (t.depth != element + 1 || op.type.empty()) continue;
      if (t.kind == TokenKind::String) {
        const std::string value = identifier_in_string(t.text);
        if (keyword == "model_name" || (first_argument && keyword.empty())) {
          if (op.model.empty()) op.model = value;
        } else if (keyword == "name") {
          name_argument = value;
        }
      }
      first_argument = false;
      if (t.kind == TokenKind::Name && tokens.peek().is_op("=")) {
        keyword = t.text;
      } else if (!t.is_op("=")) {
        keyword = {};
      }
    }
    finish();
  }

  std::optional<StringLiteral> read_literal(TokenStream& tokens) {
    if (tokens.peek().kind != TokenKind::String) {
      unexpected(tokens, tokens.peek(), "a string literal");
      return std::nullopt;
    }
    return read_string_literal(tokens, kStaticHint);
  }

  bool expect(TokenStream& tokens, std::string_view op, std::string_view what) {
    const Token t = tokens.peek();
    if (!t.is_op(op)) {
      unexpected(tokens, t, what);
      return false;
    }
    tokens.take();
    return true;
  }

  void unexpected(TokenStream& tokens, const Token& t, std::string_view what) {
    if (t.kind == TokenKind::Error) return;  // already reported by the stream
    std::string found = t.kind == TokenKind::Newline ? "end of line"
                        : t.kind == TokenKind::End   ? "end of file"
                                                     : fmt::format("'{}'", t.text);
    if (found.size() > 40) found = found.substr(0, 37) + "...'";
    tokens.error(t.span, fmt::format("expected {}, found {}", what, found),
                 std::string(kStaticHint));
  }

  // Reads the callee `[module.]function` and the '(' after it; `start` was taken already.
  bool read_callee(TokenStream& tokens, const Token& start, std::string_view module,
                   std::string_view function) {
    if (start.is_name(module)) {
      if (!expect(tokens, ".", "'.'")) return false;
      if (!tokens.peek().is_name(function)) {
        unexpected(tokens, tokens.peek(), fmt::format("`{}`", function));
        return false;
      }
      tokens.take();
    }
    return expect(tokens, "(", "'('");
  }

  // Reads `settings.NAME` and returns NAME.
  std::optional<std::string> read_setting_name(TokenStream& tokens) {
    if (!tokens.peek().is_name("settings")) {
      unexpected(tokens, tokens.peek(), "`settings.NAME`");
      return std::nullopt;
    }
    tokens.take();
    if (!expect(tokens, ".", "'.'")) return std::nullopt;
    const Token name = tokens.peek();
    if (name.kind != TokenKind::Name) {
      unexpected(tokens, name, "a setting name");
      return std::nullopt;
    }
    tokens.take();
    return std::string(name.text);
  }

  // Reads `migrations.swappable_dependency(settings.NAME)` or `swappable_dependency("a.B")`.
  std::optional<MigrationRef> read_swappable(TokenStream& tokens) {
    MigrationRef ref;
    ref.plain = false;
    const Token start = tokens.take();
    if (!read_callee(tokens, start, "migrations", "swappable_dependency")) return std::nullopt;
    std::string model;
    const Token arg = tokens.peek();
    if (arg.is_name("settings")) {
      auto setting = read_setting_name(tokens);
      if (!setting) return std::nullopt;
      model = setting_value(*setting);
      ref.setting = std::move(*setting);
    } else if (arg.kind == TokenKind::String) {
      auto lit = read_literal(tokens);
      if (!lit) return std::nullopt;
      model = lit->value;
    } else {
      unexpected(tokens, arg, "`settings.NAME` or a string literal");
      return std::nullopt;
    }
    const Token close = tokens.peek();
    if (!expect(tokens, ")", "')'")) return std::nullopt;
    ref.app = model.substr(0, model.find('.'));
    ref.name = "__first__";
    ref.span = join(start.span, close.span);
    return ref;
  }

  // The model a swappable setting names. A setting not configured leaves it empty, the app
  // unknown: the dependency is external and the loader warns once per setting (SPEC 3).
  std::string setting_value(std::string_view name) const {
    auto it = settings_.find(name);
    if (it != settings_.end()) return it->second;
    return name == "AUTH_USER_MODEL" ? "auth.User" : "";
  }

  // The `swapper` library's `[swapper.]dependency("app", "Model"[, version="..."])`, or with
  // `*[swapper.]split(settings.NAME)` for the two names. Like swapper, the model is the one its
  // setting `APP_MODEL_MODEL` names when configured, else `app.Model`; the dependency is on
  // that model's app: `version`, else `__first__`.
  std::optional<MigrationRef> read_swapper_dependency(TokenStream& tokens) {
    MigrationRef ref;
    ref.plain = false;
    const Token start = tokens.take();
    if (!read_callee(tokens, start, "swapper", "dependency")) return std::nullopt;
    std::string model;
    if (tokens.peek().is_op("*")) {
      tokens.take();
      const Token split = tokens.peek();
      if (!split.is_name("swapper") && !split.is_name("split")) {
        unexpected(tokens, split, "`split(settings.NAME)`");
        return std::nullopt;
      }
      tokens.take();
      if (!read_callee(tokens, split, "swapper", "split")) return std::nullopt;
      auto setting = read_setting_name(tokens);
      if (!setting || !expect(tokens, ")", "')'")) return std::nullopt;
      model = setting_value(*setting);
      ref.setting = std::move(*setting);
    } else {
      auto app = read_literal(tokens);
      if (!app || !expect(tokens, ",", "','")) return std::nullopt;
      auto name = read_literal(tokens);
      if (!name) return std::nullopt;
      std::string setting = app->value + "_" + name->value + "_MODEL";
      for (char& c : setting) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      auto it = settings_.find(setting);
      model = it != settings_.end() ? it->second : app->value + "." + name->value;
    }
    std::string version = "__first__";
    if (tokens.peek().is_op(",")) {
      tokens.take();
      if (tokens.peek().is_name("version")) {
        tokens.take();
        if (!expect(tokens, "=", "'='")) return std::nullopt;
        auto literal = read_literal(tokens);
        if (!literal) return std::nullopt;
        version = std::move(literal->value);
        if (tokens.peek().is_op(",")) tokens.take();
      }
    }
    const Token close = tokens.peek();
    if (!expect(tokens, ")", "')' closing `dependency(`")) return std::nullopt;
    ref.app = model.substr(0, model.find('.'));
    ref.name = std::move(version);
    ref.span = join(start.span, close.span);
    return ref;
  }

  std::optional<MigrationRef> read_ref(TokenStream& tokens) {
    const Token open = tokens.peek();
    if (open.is_name("migrations") || open.is_name("swappable_dependency")) {
      return read_swappable(tokens);
    }
    if (open.is_name("swapper") || open.is_name("dependency")) {
      return read_swapper_dependency(tokens);
    }
    if (!open.is_op("(")) {
      unexpected(tokens, open, "a (\"app_label\", \"migration_name\") tuple");
      return std::nullopt;
    }
    tokens.take();
    MigrationRef ref;
    auto app = read_literal(tokens);
    if (!app || !expect(tokens, ",", "','")) return std::nullopt;
    auto name = read_literal(tokens);
    if (!name) return std::nullopt;
    if (tokens.peek().is_op(",")) tokens.take();
    const Token close = tokens.peek();
    if (!expect(tokens, ")", "')' closing the (app_label, migration_name) tuple")) {
      return std::nullopt;
    }
    ref.app = std::move(app->value);
    ref.name = std::move(name->value);
    ref.name_span = name->span;
    ref.plain = app->parts == 1 && name->parts == 1;
    ref.span = join(open.span, close.span);
    return ref;
  }

  std::optional<std::vector<MigrationRef>> read_ref_list(TokenStream& tokens,
                                                         std::string_view attribute) {
    const Token open = tokens.peek();
    if (!open.is_op("[") && !open.is_op("(")) {
      if (open.kind == TokenKind::Error) return std::nullopt;
      tokens.error(
          open.span,
          fmt::format("`{}` is not a literal list and cannot be evaluated statically", attribute),
          std::string(kStaticHint));
      return std::nullopt;
    }
    tokens.take();
    const std::string_view close = open.is_op("[") ? "]" : ")";
    std::vector<MigrationRef> refs;
    bool comma = false;
    while (true) {
      const Token t = tokens.peek();
      if (t.is_op(close) && t.depth == open.depth) {
        tokens.take();
        break;
      }
      auto ref = read_ref(tokens);
      if (!ref) return std::nullopt;
      refs.push_back(std::move(*ref));
      const Token sep = tokens.peek();
      if (sep.is_op(",")) {
        tokens.take();
        comma = true;
        continue;
      }
      if (!(sep.is_op(close) && sep.depth == open.depth)) {
        unexpected(tokens, sep, fmt::format("',' or '{}'", close));
        return std::nullopt;
      }
    }
    if (open.is_op("(") && refs.size() == 1 && !comma) {
      tokens.error(open.span,
                   fmt::format("`{}` is a parenthesized entry, not a tuple of entries", attribute),
                   "add a trailing comma: `((\"app\", \"0001_initial\"),)`");
      return std::nullopt;
    }
    return refs;
  }

  const SwappableSettings& settings_;
  DjangoMigration result_;
  bool in_migration_ = false;
  bool found_ = false;
};

}  // namespace

tl::expected<DjangoMigration, Diagnostics> read_django_migration(
    std::string_view path, std::string_view source, const SwappableSettings& settings) {
  // Python would stop at the marker too; saying what it is helps more than a syntax error.
  if (auto marker = find_conflict_marker(source)) {
    Diagnostic d = error_at(path, source, span_at(source, *marker), "unresolved merge conflict",
                            "finish the merge of this file, then `git add` it");
    d.rule = "parse-error";
    return tl::make_unexpected(Diagnostics{std::move(d)});
  }
  TokenStream tokens(path, source);
  MigrationVisitor visitor(settings);
  visit_classes(tokens, visitor);
  if (!tokens.failed() && !visitor.found()) {
    tokens.error(span_at(source, source.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0),
                 "no top-level `class Migration`",
                 "Django loads every module in a migrations package; define `class "
                 "Migration(migrations.Migration)` or rename helpers to start with '_'");
    // The loader tells a package of such modules (not a Django one) by this rule.
    tokens.diagnostics().back().rule = std::string(kNoMigrationClassRule);
  }
  if (!tokens.diagnostics().empty()) return tl::make_unexpected(std::move(tokens.diagnostics()));
  DjangoMigration result = std::move(visitor.result());
  result.path = std::string(path);
  return result;
}

}  // namespace migline
