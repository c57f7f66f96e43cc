#include "core/django/django_migration.hpp"

#include <optional>

#include <fmt/format.h>

#include "core/django/migration_references.hpp"
#include "core/django/operation_summary.hpp"
#include "core/python/python_outline.hpp"
#include "core/text/conflict_marker.hpp"

namespace migline {
namespace {

bool is_tracked_attribute(std::string_view name) {
  return name == "dependencies" || name == "replaces" || name == "run_before";
}

bool is_assignment_operator(const Token& t) {
  if (t.kind != TokenKind::Operator) return false;
  return t.text == "=" || t.text == ":=" ||
         (t.text.size() >= 2 && t.text.back() == '=' && t.text != "==" && t.text != "!=" &&
          t.text != "<=" && t.text != ">=");
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
      result_.operations = read_operation_summaries(tokens);
      return;
    }
    if (!is_tracked_attribute(first.text)) {
      check_chained_assignment(tokens);
      return;
    }
    tokens.take();
    const Token op = tokens.peek();
    if (conditional && (is_assignment_operator(op) || op.is_op(":") || op.is_op("."))) {
      if (first.text == "replaces") return computed_replaces(tokens, first);
      tokens.error(
          first.span,
          fmt::format("`{}` is set inside a block and cannot be evaluated statically", first.text),
          std::string(kStaticReferencesHint));
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
                     std::string(kStaticReferencesHint));
      }
      return;
    }
    tokens.take();  // '='
    const std::size_t known = tokens.diagnostics().size();
    std::optional<std::vector<MigrationRef>> refs =
        read_reference_list(tokens, first.text, settings_);
    if (!refs && first.text == "replaces" && !tokens.failed()) {
      // .migline.yaml can state what a computed `replaces` holds; the loader asks for it.
      tokens.diagnostics().resize(known);
      return computed_replaces(tokens, first);
    }
    if (!refs) return;
    const Token& after = tokens.peek();
    if (after.kind != TokenKind::Newline && after.kind != TokenKind::End &&
        after.kind != TokenKind::Error && !after.is_op(";")) {
      tokens.error(after.span,
                   fmt::format("`{}` continues with '{}' and cannot be evaluated statically",
                               first.text, after.text),
                   std::string(kStaticReferencesHint));
      return;
    }
    if (first.text == "dependencies") {
      result_.dependencies = std::move(*refs);
    } else if (first.text == "replaces") {
      result_.replaces = std::move(*refs);
      result_.computed_replaces = SourceSpan{};
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
  void computed_replaces(TokenStream& tokens, const Token& first) {
    result_.replaces.clear();
    if (result_.computed_replaces.length == 0) result_.computed_replaces = first.span;
    tokens.skip_statement();
  }

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
                     std::string(kStaticReferencesHint));
        return;
      }
      after_assign = taken.depth == 0 && taken.is_op("=");
    }
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
