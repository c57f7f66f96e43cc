#include "core/django/app_config.hpp"

#include <vector>

#include <fmt/format.h>

#include "core/python/python_outline.hpp"

namespace migline {
namespace {

constexpr std::string_view kLabelHint =
    "write `label = \"...\"` as a string literal, or map the app's directory to its label "
    "under `labels:` in .migline.yaml";

struct ClassLabel {
  std::optional<AppLabelDecl> label;
  bool is_default = false;
};

class AppConfigVisitor : public ClassVisitor {
 public:
  void class_begin(const Token&) override { classes_.emplace_back(); }

  void statement(TokenStream& tokens, const Token& first, bool conditional) override {
    if (!first.is_name("label") && !first.is_name("default")) return;
    tokens.take();
    if (!tokens.peek().is_op("=")) return;
    tokens.take();
    const Token value = tokens.peek();
    if (first.is_name("default")) {
      classes_.back().is_default = value.is_name("True");
      return;
    }
    if (conditional) {
      tokens.error(first.span, "`label` is set inside a block and cannot be evaluated statically",
                   std::string(kLabelHint));
      return;
    }
    if (value.kind == TokenKind::Error) return;  // already reported
    if (value.kind != TokenKind::String) {
      tokens.error(value.span, "`label` is not a string literal", std::string(kLabelHint));
      return;
    }
    std::optional<StringLiteral> label = read_string_literal(tokens, kLabelHint);
    if (!label) return;  // undecodable, already reported
    const Token& after = tokens.peek();
    if (after.kind != TokenKind::Newline && after.kind != TokenKind::End && !after.is_op(";")) {
      if (after.kind != TokenKind::Error) {
        tokens.error(after.span, "`label` is not a string literal", std::string(kLabelHint));
      }
      return;
    }
    classes_.back().label = AppLabelDecl{std::move(label->value), label->span};
  }

  std::vector<ClassLabel>& classes() { return classes_; }

 private:
  std::vector<ClassLabel> classes_;
};

}  // namespace

tl::expected<std::optional<AppLabelDecl>, Diagnostics> read_app_label(std::string_view path,
                                                                      std::string_view source) {
  TokenStream tokens(path, source);
  AppConfigVisitor visitor;
  visit_classes(tokens, visitor);
  if (!tokens.diagnostics().empty()) return tl::make_unexpected(std::move(tokens.diagnostics()));

  std::vector<const ClassLabel*> labelled;
  for (const ClassLabel& c : visitor.classes()) {
    if (c.label) labelled.push_back(&c);
  }
  if (labelled.empty()) return std::nullopt;
  const ClassLabel* chosen = labelled.front();
  bool ambiguous = false;
  for (const ClassLabel* c : labelled) {
    if (c->label->label != chosen->label->label) ambiguous = true;
  }
  if (ambiguous) {
    chosen = nullptr;
    for (const ClassLabel* c : labelled) {
      if (c->is_default) chosen = chosen ? nullptr : c;
    }
    if (!chosen) {
      const AppLabelDecl& second = *labelled[1]->label;
      Diagnostics out;
      out.push_back(error_at(path, source, second.span,
                             fmt::format("several AppConfig classes set different labels ('{}' "
                                         "and '{}')",
                                         labelled[0]->label->label, second.label),
                             std::string(kLabelHint)));
      out.back().rule = "parse-error";
      return tl::make_unexpected(std::move(out));
    }
  }
  return chosen->label;
}

}  // namespace migline
