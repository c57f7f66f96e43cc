#include "core/django/migration_references.hpp"

#include <iterator>

#include <fmt/format.h>

#include "core/python/python_string.hpp"

namespace migline {
namespace {

// One reading of one reference list; every method reports on the stream.
class ReferenceListReader {
 public:
  explicit ReferenceListReader(const SwappableSettings& settings) : settings_(settings) {}

  std::optional<StringLiteral> read_literal(TokenStream& tokens) {
    if (tokens.peek().kind != TokenKind::String) {
      unexpected(tokens, tokens.peek(), "a string literal");
      return std::nullopt;
    }
    return read_string_literal(tokens, kStaticReferencesHint);
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
                 std::string(kStaticReferencesHint));
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
    return read_setting_key(tokens);
  }

  // Reads `settings.NAME` (returns NAME) or an app's own settings object, `name.NAME` (returns
  // `name.NAME`, the key .migline.yaml states it under: it is not one of Django's settings).
  std::optional<std::string> read_setting_key(TokenStream& tokens) {
    const Token object = tokens.take();
    std::string key = object.is_name("settings") ? "" : std::string(object.text);
    do {
      if (!expect(tokens, ".", "'.'")) return std::nullopt;
      const Token name = tokens.peek();
      if (name.kind != TokenKind::Name) {
        unexpected(tokens, name, "a setting name");
        return std::nullopt;
      }
      tokens.take();
      if (!key.empty()) key += '.';
      key += name.text;
    } while (tokens.peek().is_op("."));
    return key;
  }

  // Reads `migrations.swappable_dependency(settings.NAME)`, the same with an app's settings
  // object (`oauth2_settings.NAME`), or `swappable_dependency("a.B")`.
  std::optional<MigrationRef> read_swappable(TokenStream& tokens) {
    MigrationRef ref;
    ref.plain = false;
    const Token start = tokens.take();
    if (!read_callee(tokens, start, "migrations", "swappable_dependency")) return std::nullopt;
    std::string model;
    const Token arg = tokens.peek();
    if (arg.kind == TokenKind::Name) {
      auto setting = read_setting_key(tokens);
      if (!setting) return std::nullopt;
      model = setting_value(*setting);
      ref.setting = std::move(*setting);
    } else if (arg.kind == TokenKind::String) {
      auto lit = read_literal(tokens);
      if (!lit) return std::nullopt;
      model = lit->value;
    } else {
      unexpected(tokens, arg, "`settings.NAME`, `app_settings.NAME` or a string literal");
      return std::nullopt;
    }
    const Token close = tokens.peek();
    if (!expect(tokens, ")", "')'")) return std::nullopt;
    ref.app = model.substr(0, model.find('.'));
    ref.name = "__first__";
    ref.span = join_spans(start.span, close.span);
    return ref;
  }

  // The model a swappable setting names. A setting not configured leaves it empty, the app
  // unknown: the dependency is external and the loader warns once per setting.
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
    ref.span = join_spans(start.span, close.span);
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
    ref.span = join_spans(open.span, close.span);
    return ref;
  }

  // A Python list or tuple of references: `+` adds only two of a kind.
  struct Sequence {
    std::vector<MigrationRef> refs;
    bool tuple = false;
  };

  // Reads `SUM [if COND else EXPRESSION]`: the references of both branches, each marked with
  // the condition under which Django sees it.
  std::optional<Sequence> read_expression(TokenStream& tokens, std::string_view attribute) {
    auto value = read_sum(tokens, attribute);
    if (!value || !tokens.peek().is_name("if")) return value;
    const Token if_token = tokens.take();
    auto condition = read_condition(tokens, if_token);
    if (!condition) return std::nullopt;
    auto otherwise = read_expression(tokens, attribute);
    if (!otherwise) return std::nullopt;
    for (auto* branch : {&value->refs, &otherwise->refs}) {
      for (MigrationRef& ref : *branch) {
        if (ref.conditional()) {
          tokens.error(if_token.span,
                       fmt::format("`{}` nests one condition in another and cannot be "
                                   "evaluated statically",
                                   attribute),
                       "test one condition: `[...] if COND else [...]`");
          return std::nullopt;
        }
      }
    }
    for (MigrationRef& ref : value->refs) ref.condition = *condition;
    for (MigrationRef& ref : otherwise->refs) {
      ref.condition = *condition;
      ref.condition_holds = false;
    }
    value->refs.insert(value->refs.end(), std::make_move_iterator(otherwise->refs.begin()),
                       std::make_move_iterator(otherwise->refs.end()));
    return value;
  }

  // Reads the condition of `A if COND else B` up to its `else`; returns COND as written, its
  // blanks collapsed to one space.
  std::optional<std::string> read_condition(TokenStream& tokens, const Token& if_token) {
    std::string condition;
    std::size_t last_end = 0;
    while (true) {
      const Token t = tokens.peek();
      if (t.is_name("else") && t.depth == if_token.depth) break;
      if (t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.kind == TokenKind::Error ||
          t.depth < if_token.depth) {
        unexpected(tokens, t, "`else` of the conditional expression");
        return std::nullopt;
      }
      tokens.take();
      if (!condition.empty() && t.span.offset > last_end) condition += ' ';
      condition += t.text;
      last_end = t.span.offset + t.span.length;
    }
    if (condition.empty()) {
      unexpected(tokens, tokens.peek(), "a condition");
      return std::nullopt;
    }
    tokens.take();  // else
    return condition;
  }

  // Reads `ATOM (+ ATOM)*`: literal lists or tuples added together.
  std::optional<Sequence> read_sum(TokenStream& tokens, std::string_view attribute) {
    auto sum = read_atom(tokens, attribute);
    while (sum && tokens.peek().is_op("+")) {
      const Token plus = tokens.take();
      auto next = read_atom(tokens, attribute);
      if (!next) return std::nullopt;
      if (next->tuple != sum->tuple) {
        tokens.error(plus.span,
                     fmt::format("`{}` adds a list and a tuple, which Python refuses", attribute),
                     "add lists to lists or tuples to tuples");
        return std::nullopt;
      }
      sum->refs.insert(sum->refs.end(), std::make_move_iterator(next->refs.begin()),
                       std::make_move_iterator(next->refs.end()));
    }
    return sum;
  }

  // Reads a literal list or tuple of references, or a parenthesized expression of them.
  std::optional<Sequence> read_atom(TokenStream& tokens, std::string_view attribute) {
    const Token open = tokens.peek();
    if (!open.is_op("[") && !open.is_op("(")) {
      if (open.kind == TokenKind::Error) return std::nullopt;
      tokens.error(
          open.span,
          fmt::format("`{}` is not a literal list and cannot be evaluated statically", attribute),
          std::string(kStaticReferencesHint));
      return std::nullopt;
    }
    tokens.take();
    if (open.is_op("(") && tokens.peek().is_op("[")) {  // `([...] if COND else [])`
      auto inner = read_expression(tokens, attribute);
      if (!inner || !expect(tokens, ")", "')'")) return std::nullopt;
      return inner;
    }
    const std::string_view close = open.is_op("[") ? "]" : ")";
    Sequence out;
    out.tuple = open.is_op("(");
    bool comma = false;
    while (true) {
      const Token t = tokens.peek();
      if (t.is_op(close) && t.depth == open.depth) {
        tokens.take();
        break;
      }
      auto ref = read_ref(tokens);
      if (!ref) return std::nullopt;
      out.refs.push_back(std::move(*ref));
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
    if (out.tuple && out.refs.size() == 1 && !comma) {
      tokens.error(open.span,
                   fmt::format("`{}` is a parenthesized entry, not a tuple of entries", attribute),
                   "add a trailing comma: `((\"app\", \"0001_initial\"),)`");
      return std::nullopt;
    }
    return out;
  }

 private:
  const SwappableSettings& settings_;
};

}  // namespace

std::optional<std::vector<MigrationRef>> read_reference_list(TokenStream& tokens,
                                                             std::string_view attribute,
                                                             const SwappableSettings& settings) {
  auto sequence = ReferenceListReader(settings).read_expression(tokens, attribute);
  if (!sequence) return std::nullopt;
  return std::move(sequence->refs);
}

}  // namespace migline
