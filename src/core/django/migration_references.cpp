#include "core/django/migration_references.hpp"

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

  std::optional<std::vector<MigrationRef>> read_ref_list(TokenStream& tokens,
                                                         std::string_view attribute) {
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

 private:
  const SwappableSettings& settings_;
};

}  // namespace

std::optional<std::vector<MigrationRef>> read_reference_list(TokenStream& tokens,
                                                             std::string_view attribute,
                                                             const SwappableSettings& settings) {
  return ReferenceListReader(settings).read_ref_list(tokens, attribute);
}

}  // namespace migline
