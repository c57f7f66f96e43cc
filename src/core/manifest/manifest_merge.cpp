#include "core/manifest/manifest_merge.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "core/manifest/manifest.hpp"

namespace migline {
namespace {

using Value = std::optional<std::vector<std::string>>;

// The three-way decision for one app; std::nullopt when both sides changed it differently.
std::optional<Value> merge_value(const Value& base, const Value& ours, const Value& theirs) {
  if (ours == theirs || theirs == base) return ours;
  if (ours == base) return theirs;
  return std::nullopt;
}

// `<<<<<<< ours`, our lines, `=======`, their lines, `>>>>>>> theirs`, then the comment.
std::string conflict_hunk(std::string_view app, const std::string& ours, const std::string& theirs,
                          const MergeLabels& labels) {
  const auto marker = [&](char c) {
    return std::string(static_cast<std::size_t>(labels.marker_size), c);
  };
  return fmt::format(
      "{} {}\n{}{}\n{}{} {}\n"
      "# migline: both branches changed the migrations of {}; run `migline resolve`\n",
      marker('<'), labels.ours, ours, marker('='), theirs, marker('>'), labels.theirs,
      is_alembic_manifest_key(app) ? manifest_key_name(app) : fmt::format("'{}'", app));
}

// Both sides' leaves, sorted and each once; absent when neither side has the app.
Value union_of(const Value& ours, const Value& theirs) {
  std::set<std::string> names;
  for (const Value* side : {&ours, &theirs}) {
    if (*side) names.insert((*side)->begin(), (*side)->end());
  }
  if (names.empty()) return Value();
  return Value(std::vector<std::string>(names.begin(), names.end()));
}

Value value_in(const LeafMap& leaves, const std::string& app) {
  auto it = leaves.find(app);
  return it == leaves.end() ? Value() : Value(it->second);
}

}  // namespace

std::optional<ManifestMerge> merge_manifest(std::string_view file_name, std::string_view base,
                                            std::string_view ours, std::string_view theirs,
                                            const MergeLabels& labels, OnConflict on_conflict) {
  auto base_leaves =
      base.empty() ? tl::expected<LeafMap, Diagnostics>(LeafMap()) : parse_manifest("base", base);
  auto our_leaves = parse_manifest("ours", ours);
  auto their_leaves = parse_manifest("theirs", theirs);
  if (!base_leaves || !our_leaves || !their_leaves) return std::nullopt;

  std::set<std::string> apps;
  for (const LeafMap* side : {&*base_leaves, &*our_leaves, &*their_leaves}) {
    for (const auto& entry : *side) apps.insert(entry.first);
  }
  ManifestMerge out{render_manifest_header(file_name), {}};
  std::string previous;
  for (const std::string& app : apps) {
    const Value o = value_in(*our_leaves, app);
    const Value t = value_in(*their_leaves, app);
    std::optional<Value> merged = merge_value(value_in(*base_leaves, app), o, t);
    if (!merged) out.conflicts.push_back(app);
    if (!merged && on_conflict == OnConflict::Union) merged = union_of(o, t);
    if (!merged || *merged) {
      out.text += render_manifest_section_break(previous, app);
      previous = app;
    }
    if (!merged) {
      out.text += "\n" + conflict_hunk(app, o ? render_manifest_entry(app, *o) : "",
                                       t ? render_manifest_entry(app, *t) : "", labels);
    } else if (*merged) {
      out.text += "\n" + render_manifest_entry(app, **merged);
    }
  }
  return out;
}

std::optional<ManifestMerge> merge_max_migration(std::string_view app, std::string_view base,
                                                 std::string_view ours, std::string_view theirs,
                                                 const MergeLabels& labels,
                                                 OnConflict on_conflict) {
  // git passes an empty file for a side that does not have it (add/add: the base).
  const auto parse = [](std::string_view text) -> std::optional<Value> {
    if (text.empty()) return Value();
    auto names = parse_max_migration("max_migration.txt", text);
    if (!names) return std::nullopt;
    return Value(std::move(*names));
  };
  const std::optional<Value> b = parse(base), o = parse(ours), t = parse(theirs);
  if (!b || !o || !t) return std::nullopt;
  const auto render = [](const Value& v) { return v ? render_max_migration(*v) : std::string(); };
  const std::optional<Value> merged = merge_value(*b, *o, *t);
  if (merged) return ManifestMerge{render(*merged), {}};
  if (on_conflict == OnConflict::Union) {
    return ManifestMerge{render(union_of(*o, *t)), {std::string(app)}};
  }
  return ManifestMerge{conflict_hunk(app, render(*o), render(*t), labels), {std::string(app)}};
}

}  // namespace migline
