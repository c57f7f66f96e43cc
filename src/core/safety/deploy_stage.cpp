#include "core/safety/deploy_stage.hpp"

#include <map>

#include <fmt/format.h>

#include "core/python/python_expression.hpp"
#include "core/python/python_lexer.hpp"
#include "core/python/python_outline.hpp"
#include "core/python/python_string.hpp"

namespace migline {
namespace {

// Where syzygy's `Stage` and safemigrate's `Safe` live; syzygy re-exports `Stage`.
constexpr std::string_view kSyzygyStages[] = {"syzygy.constants.Stage", "syzygy.Stage"};
constexpr std::string_view kSafe = "django_safemigrate.Safe";

const char* stage_name(DeployStage stage) {
  return stage == DeployStage::PostDeploy ? "post-deploy" : "pre-deploy";
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The names a module's top-level imports bind, as the dotted names they stand for.
struct Imports {
  std::map<std::string, std::string, std::less<>> names;  // "S" -> "syzygy.constants.Stage"
  bool star_syzygy = false;                               // `from syzygy[.constants] import *`
  bool star_safemigrate = false;

  // The qualified name `dotted` stands for, or empty when its first component is not imported.
  std::string resolve(std::string_view dotted) const {
    const std::size_t dot = dotted.find('.');
    const std::string_view head = dotted.substr(0, dot);
    const std::string_view rest = dot == std::string_view::npos ? "" : dotted.substr(dot);
    auto it = names.find(head);
    if (it != names.end()) return it->second + std::string(rest);
    if (head == "Stage" && star_syzygy) return "syzygy.Stage" + std::string(rest);
    if (head == "Safe" && star_safemigrate) return std::string(kSafe) + std::string(rest);
    return {};
  }
};

// Reads a dotted name at the stream's position (`a.b.c`); empty when none.
std::string read_dotted(TokenStream& tokens) {
  std::string out;
  while (tokens.peek().kind == TokenKind::Name) {
    out += tokens.take().text;
    if (!tokens.peek().is_op(".")) break;
    tokens.take();
    out += '.';
  }
  return out;
}

bool line_ends(const Token& t) {
  return t.kind == TokenKind::Newline || t.kind == TokenKind::End || t.kind == TokenKind::Error ||
         (t.depth == 0 && t.is_op(";"));
}

void read_import(TokenStream& tokens, Imports& imports) {
  const Token first = tokens.take();
  if (first.is_name("import")) {  // import a.b [as x], c
    while (!line_ends(tokens.peek())) {
      const std::string module = read_dotted(tokens);
      if (module.empty()) return;
      if (tokens.peek().is_name("as")) {
        tokens.take();
        const Token alias = tokens.take();
        if (alias.kind == TokenKind::Name) imports.names[std::string(alias.text)] = module;
      } else {
        const std::string head = module.substr(0, module.find('.'));
        imports.names[head] = head;
      }
      if (!tokens.peek().is_op(",")) return;
      tokens.take();
    }
    return;
  }
  // from a.b import x [as y], (z, ...) | *
  if (tokens.peek().is_op(".")) return;  // relative: never syzygy or safemigrate
  const std::string module = read_dotted(tokens);
  if (module.empty() || !tokens.peek().is_name("import")) return;
  tokens.take();
  if (tokens.peek().is_op("*")) {
    imports.star_syzygy |= module == "syzygy" || module == "syzygy.constants";
    imports.star_safemigrate |= module == "django_safemigrate";
    return;
  }
  while (!line_ends(tokens.peek())) {
    const Token t = tokens.take();
    if (t.kind != TokenKind::Name) continue;  // brackets and commas
    std::string bound(t.text);
    if (tokens.peek().is_name("as")) {
      tokens.take();
      const Token alias = tokens.take();
      if (alias.kind == TokenKind::Name) bound = std::string(alias.text);
    }
    imports.names[bound] = module + "." + std::string(t.text);
  }
}

// A mark's expression, read from its source text: a dotted name, optionally subscripted or
// called with one string (`Stage['POST_DEPLOY']`, `Stage("post_deployment")`), or a call.
struct MarkExpr {
  std::string name;         // the dotted name as written
  std::string subscript;    // `[...]` holding one string: its value
  bool called = false;      // followed by `(...)`
  std::string call_string;  // the call's one positional string argument
  std::string delay;        // the call's `delay=` argument as written
  bool readable = false;    // nothing else follows
};

MarkExpr read_mark_expr(std::string_view text) {
  MarkExpr m;
  TokenStream tokens("", text);
  m.name = read_dotted(tokens);
  if (m.name.empty()) return m;
  const bool subscript = tokens.peek().is_op("[");
  if (subscript || tokens.peek().is_op("(")) {
    const Token open = tokens.take();
    m.called = !subscript;
    const char* close = subscript ? "]" : ")";
    // The closing bracket has the depth of the opening one.
    while (!tokens.peek().is_op(close) || tokens.peek().depth != open.depth) {
      const Token t = tokens.peek();
      if (t.kind == TokenKind::End || t.kind == TokenKind::Error) return m;
      if (t.kind == TokenKind::String && t.depth == open.depth + 1) {
        auto value = read_string_literal(tokens, "");
        if (!value) return m;
        (subscript ? m.subscript : m.call_string) = value->value;
        continue;
      }
      if (!subscript && t.is_name("delay") && t.depth == open.depth + 1) {
        tokens.take();
        if (!tokens.peek().is_op("=")) return m;
        tokens.take();
        const PyExpr delay = read_python_expression(tokens);
        m.delay = std::string(text.substr(delay.span.offset, delay.span.length));
        continue;
      }
      tokens.take();
    }
    tokens.take();
  }
  while (tokens.peek().kind == TokenKind::Newline) tokens.take();
  m.readable = tokens.peek().kind == TokenKind::End;
  return m;
}

std::string_view text_of(std::string_view source, const SourceSpan& span) {
  return source.substr(span.offset, span.length);
}

class MarkReader {
 public:
  MarkReader(std::string_view path, std::string_view source, const Imports& imports,
             DeployMarks& out)
      : path_(path), source_(source), imports_(imports), out_(out) {}

  // syzygy's `stage` value at `span`; nullopt (and a warning) when it cannot be read.
  std::optional<StageMark> syzygy(const SourceSpan& span, std::string written) {
    const MarkExpr e = read_mark_expr(text_of(source_, span));
    const std::string qualified = imports_.resolve(e.name);
    std::string member;
    for (std::string_view stage_class : kSyzygyStages) {
      if (e.readable && starts_with(qualified, stage_class)) {
        const std::string_view rest = std::string_view(qualified).substr(stage_class.size());
        if (rest.empty() && !e.subscript.empty()) member = e.subscript;  // Stage['POST_DEPLOY']
        if (rest.empty() && e.called) {  // Stage('post_deployment'), by value
          if (e.call_string == "pre_deploy") member = "PRE_DEPLOY";
          if (e.call_string == "post_deployment") member = "POST_DEPLOY";
        }
        if (!e.called && e.subscript.empty() && starts_with(rest, ".")) member = rest.substr(1);
      }
    }
    if (member != "PRE_DEPLOY" && member != "POST_DEPLOY") {
      unreadable(span,
                 fmt::format("`{}` is not a stage migline can read: it is not syzygy's "
                             "Stage.PRE_DEPLOY or Stage.POST_DEPLOY as this file imports it",
                             written),
                 "write `stage = Stage.POST_DEPLOY` with `from syzygy import Stage`");
      return std::nullopt;
    }
    StageMark mark;
    mark.convention = "syzygy";
    mark.stage = member == "POST_DEPLOY" ? DeployStage::PostDeploy : DeployStage::PreDeploy;
    mark.text = std::move(written);
    mark.span = span;
    return mark;
  }

  // safemigrate's `safe` value at `span`: `Safe.X`, `Safe.X()`, `Safe.after_deploy(delay=...)`.
  std::optional<StageMark> safemigrate(const SourceSpan& span, std::string written) {
    const MarkExpr e = read_mark_expr(text_of(source_, span));
    const std::string qualified = imports_.resolve(e.name);
    std::string member;
    if (e.readable && e.subscript.empty() && e.call_string.empty() &&
        starts_with(qualified, std::string(kSafe) + ".")) {
      member = qualified.substr(kSafe.size() + 1);
    }
    StageMark mark;
    mark.convention = "safemigrate";
    mark.text = std::move(written);
    mark.span = span;
    if (member == "before_deploy" && e.delay.empty()) {
      mark.stage = DeployStage::PreDeploy;
    } else if (member == "always" && e.delay.empty()) {
      mark.either = true;
    } else if (member == "after_deploy") {
      mark.stage = DeployStage::PostDeploy;
      mark.delay = e.delay;
    } else {
      unreadable(span,
                 fmt::format("`{}` is not a safety migline can read: it is not "
                             "django_safemigrate's Safe.before_deploy(), "
                             "Safe.after_deploy() or Safe.always() as this file imports it",
                             mark.text),
                 "write `safe = Safe.after_deploy()` with `from django_safemigrate import Safe`");
      return std::nullopt;
    }
    return mark;
  }

 private:
  void unreadable(const SourceSpan& span, std::string message, std::string hint) {
    Diagnostic d = error_at(path_, source_, span, std::move(message), std::move(hint));
    d.severity = Severity::Warning;
    d.rule = "stage-unreadable";
    out_.unreadable.push_back(std::move(d));
  }

  std::string_view path_;
  std::string_view source_;
  const Imports& imports_;
  DeployMarks& out_;
};

// The imports of a module and the `stage` / `safe` statements of its `class Migration`.
class MarkVisitor : public ClassVisitor {
 public:
  struct Assignment {
    std::string name;  // "stage" or "safe"
    SourceSpan value;
  };

  void class_begin(const Token& name) override { in_migration_ = name.text == "Migration"; }

  void statement(TokenStream& tokens, const Token& first, bool conditional) override {
    if (!in_migration_ || conditional) return;
    if (!first.is_name("stage") && !first.is_name("safe")) return;
    tokens.take();
    if (tokens.peek().is_op(":")) {  // an annotation: `stage: Stage = Stage.POST_DEPLOY`
      tokens.take();
      while (!line_ends(tokens.peek()) &&
             !(tokens.peek().is_op("=") && tokens.peek().depth == first.depth)) {
        tokens.take();
      }
    }
    if (!tokens.peek().is_op("=")) return;
    tokens.take();
    const PyExpr value = read_python_expression(tokens);
    assignments.push_back({std::string(first.text), value.span});
  }

  void module_statement(TokenStream& tokens, const Token& first) override {
    if (first.is_name("import") || first.is_name("from")) read_import(tokens, imports);
  }

  Imports imports;
  std::vector<Assignment> assignments;

 private:
  bool in_migration_ = false;
};

// `# migline: post-deploy` (or `pre-deploy`) in a comment on line `line`.
std::optional<StageMark> comment_mark(std::string_view source, const SourceSpan& class_span) {
  const std::string_view line = line_containing(source, class_span.offset);
  const std::size_t line_offset = static_cast<std::size_t>(line.data() - source.data());
  const std::size_t after_class = class_span.offset - line_offset;
  const std::size_t hash = line.find('#', after_class);
  if (hash == std::string_view::npos) return std::nullopt;
  std::string_view comment = line.substr(hash + 1);
  while (!comment.empty() && (comment.front() == ' ' || comment.front() == '\t')) {
    comment.remove_prefix(1);
  }
  if (!starts_with(comment, "migline:")) return std::nullopt;
  comment.remove_prefix(8);
  while (!comment.empty() && (comment.front() == ' ' || comment.front() == '\t')) {
    comment.remove_prefix(1);
  }
  StageMark mark;
  mark.convention = "migline";
  if (starts_with(comment, "post-deploy")) {
    mark.stage = DeployStage::PostDeploy;
  } else if (!starts_with(comment, "pre-deploy")) {
    return std::nullopt;
  }
  mark.text = fmt::format("# migline: {}", stage_name(mark.stage));
  mark.span = span_at(source, line_offset + hash, 1);
  return mark;
}

std::string describe(const StageMark& mark) {
  if (mark.convention == "migline") return fmt::format("`{}`", mark.text);
  return fmt::format("`{}` ({})", mark.text, mark.convention);
}

// syzygy's inference for one unmarked operation.
DeployStage inferred(const Operation& op) {
  return op.type == "RemoveField" || op.type == "DeleteModel" ? DeployStage::PostDeploy
                                                              : DeployStage::PreDeploy;
}

}  // namespace

std::optional<DeployConvention> parse_deploy_convention(std::string_view name) {
  if (name == "off") return DeployConvention::Off;
  if (name == "syzygy") return DeployConvention::Syzygy;
  if (name == "safemigrate") return DeployConvention::SafeMigrate;
  if (name == "migline") return DeployConvention::Migline;
  return std::nullopt;
}

std::string_view deploy_convention_name(DeployConvention convention) {
  switch (convention) {
    case DeployConvention::Syzygy:
      return "syzygy";
    case DeployConvention::SafeMigrate:
      return "safemigrate";
    case DeployConvention::Migline:
      return "migline";
    case DeployConvention::Off:
      break;
  }
  return "off";
}

DeployMarks read_deploy_marks(std::string_view path, std::string_view source,
                              const MigrationOperations& operations) {
  DeployMarks out;
  TokenStream tokens(path, source);
  MarkVisitor visitor;
  visit_classes(tokens, visitor);
  MarkReader reader(path, source, visitor.imports, out);
  for (const MarkVisitor::Assignment& a : visitor.assignments) {
    const std::string written =
        fmt::format("{} = {}", a.name, std::string(text_of(source, a.value)));
    auto mark =
        a.name == "stage" ? reader.syzygy(a.value, written) : reader.safemigrate(a.value, written);
    if (mark) out.migration.push_back(std::move(*mark));
  }
  if (auto mark = comment_mark(source, operations.class_span)) {
    out.migration.push_back(std::move(*mark));
  }
  for (std::size_t i = 0; i < operations.operations.size(); ++i) {
    const Operation& op = operations.operations[i];
    if (op.stage) {
      const std::string written =
          fmt::format("stage={}", std::string(text_of(source, op.stage->span)));
      if (auto mark = reader.syzygy(op.stage->span, written)) {
        out.operations.emplace_back(i, std::move(*mark));
      }
    } else if (op.type == "PostAddField") {
      // syzygy's operation that drops the database default kept for the deploy window.
      StageMark mark;
      mark.convention = "syzygy";
      mark.stage = DeployStage::PostDeploy;
      mark.text = "PostAddField";
      mark.span = op.span;
      out.operations.emplace_back(i, std::move(mark));
    }
  }
  return out;
}

StageVerdict decide_deploy_stage(const DeployMarks& marks, const MigrationOperations& operations,
                                 DeployConvention convention) {
  StageVerdict v;
  if (!marks.migration.empty()) {
    // A mark on the class decides, as in syzygy, where it bypasses the operations.
    const StageMark& first = marks.migration.front();
    v.origin = StageOrigin::Mark;
    v.stage = first.stage;
    v.either = first.either;
    v.delay = first.delay;
    v.why = fmt::format("marked {}", describe(first));
    for (const StageMark& other : marks.migration) {
      if (other.stage != first.stage || other.either != first.either) {
        v.mixed = fmt::format("it is marked both {} and {}", describe(first), describe(other));
        v.mixed_span = other.span;
        v.stage = DeployStage::PostDeploy;
        v.either = false;
        break;
      }
    }
    return v;
  }

  // Each operation's stage: its mark, syzygy's inference, or pre-deploy.
  struct Staged {
    DeployStage stage;
    std::string why;
    SourceSpan span;
  };
  std::vector<Staged> staged;
  bool any_mark = false;
  std::size_t next_mark = 0;
  for (std::size_t i = 0; i < operations.operations.size(); ++i) {
    const Operation& op = operations.operations[i];
    const std::string type = op.type.empty() ? std::string("an operation") : op.type;
    while (next_mark < marks.operations.size() && marks.operations[next_mark].first < i) {
      ++next_mark;
    }
    if (next_mark < marks.operations.size() && marks.operations[next_mark].first == i) {
      const StageMark& mark = marks.operations[next_mark].second;
      any_mark = true;
      staged.push_back({mark.stage, fmt::format("{} marked {}", type, describe(mark)), op.span});
    } else if (convention == DeployConvention::Syzygy) {
      const DeployStage stage = inferred(op);
      staged.push_back(
          {stage, fmt::format("{} ({} by syzygy's inference)", type, stage_name(stage)), op.span});
    } else {
      staged.push_back(
          {DeployStage::PreDeploy, fmt::format("{} (unmarked: pre-deploy)", type), op.span});
    }
  }
  for (const Staged& s : staged) {
    if (s.stage != staged.front().stage) {
      v.mixed = fmt::format("its operations mix stages: {} and {}", staged.front().why, s.why);
      v.mixed_span = s.span;
      v.stage = DeployStage::PostDeploy;
      v.origin = any_mark ? StageOrigin::Mark : StageOrigin::Inference;
      v.why = *v.mixed;
      return v;
    }
  }
  if (any_mark) {
    v.origin = StageOrigin::Mark;
    v.stage = staged.front().stage;
    v.why = fmt::format("its operations are marked {}", describe(marks.operations.front().second));
    return v;
  }
  if (convention == DeployConvention::Syzygy && !staged.empty()) {
    v.origin = StageOrigin::Inference;
    v.stage = staged.front().stage;
    v.why = v.stage == DeployStage::PostDeploy
                ? fmt::format("{} is post-deploy by syzygy's inference",
                              operations.operations.front().type)
                : std::string("no RemoveField or DeleteModel: pre-deploy by syzygy's inference");
    return v;
  }
  if (convention == DeployConvention::SafeMigrate) {
    v.either = true;
    v.why = "unmarked: Safe.always() by safemigrate's default";
    return v;
  }
  v.why = convention == DeployConvention::Syzygy && !operations.found
              ? "unmarked, and migline cannot read its operations: pre-deploy by default"
              : "unmarked: pre-deploy by default";
  return v;
}

}  // namespace migline
