#include "core/django/operation_summary.hpp"

#include <string>
#include <string_view>

#include "core/plan/migration_name.hpp"

namespace migline {
namespace {

// The identifier in a string token such as `'order'` or `"Order"`; empty for anything else.
std::string identifier_in_string(std::string_view token) {
  if (token.size() < 3) return {};
  const char quote = token.back();
  if ((quote != '\'' && quote != '"') || token.front() != quote) return {};
  const std::string_view body = token.substr(1, token.size() - 2);
  return is_plain_name(body) ? std::string(body) : std::string();
}

}  // namespace

std::vector<MigrationOperation> read_operation_summaries(TokenStream& tokens) {
  std::vector<MigrationOperation> out;
  tokens.take();
  if (!tokens.peek().is_op("=")) return out;
  tokens.take();
  const Token open = tokens.peek();
  if (!open.is_op("[") && !open.is_op("(")) return out;
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
    out.push_back(std::move(op));
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
  return out;
}

}  // namespace migline
