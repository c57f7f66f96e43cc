#include "project/stated_facts.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace migline {
namespace {

Diagnostic finding(const DjangoMigration& m, const SourceSpan& span, std::string_view rule,
                   std::string message, std::string hint) {
  return rule_finding(m.path, span, std::string(rule), std::move(message), std::move(hint));
}

// Drops the entries of the branch `conditions` rules out; the others stop being conditional.
void decide(const std::map<std::string, bool, std::less<>>& conditions,
            std::vector<MigrationRef>& refs) {
  refs.erase(std::remove_if(refs.begin(), refs.end(),
                            [&](MigrationRef& ref) {
                              if (!ref.conditional()) return false;
                              auto it = conditions.find(ref.condition);
                              if (it == conditions.end()) return false;
                              if (it->second != ref.condition_holds) return true;
                              ref.condition.clear();
                              ref.condition_holds = true;
                              return false;
                            }),
             refs.end());
}

// One finding per undecided condition a migration tests on its own app's migrations.
void report_conditional(const DjangoMigration& m, Diagnostics& out) {
  std::set<std::string_view> reported;
  for (const auto* refs : {&m.dependencies, &m.replaces, &m.run_before}) {
    for (const MigrationRef& ref : *refs) {
      if (!ref.conditional() || ref.app != m.app || !reported.insert(ref.condition).second) {
        continue;
      }
      out.push_back(finding(
          m, ref.span, kConditionalDependencyRule,
          fmt::format("`{}` holds only when `{}` is {}, so app '{}''s leaves depend on a value "
                      "migline cannot read",
                      ref.name, ref.condition, ref.condition_holds ? "true" : "false", m.app),
          fmt::format("state it in .migline.yaml: `conditions: {{{}: true}}` (or false)",
                      ref.condition)));
    }
  }
}

// `app.name`, or `name` within `app`, as a reference; nullopt when it is neither.
std::optional<MigrationRef> stated_reference(std::string_view app, std::string_view entry) {
  MigrationRef ref;
  ref.plain = false;
  const auto dot = entry.find('.');
  ref.app = std::string(dot == std::string_view::npos ? app : entry.substr(0, dot));
  ref.name = std::string(dot == std::string_view::npos ? entry : entry.substr(dot + 1));
  if (ref.app.empty() || ref.name.empty() || ref.name.find('.') != std::string::npos) {
    return std::nullopt;
  }
  return ref;
}

}  // namespace

void apply_stated_facts(const Config& config, std::vector<DjangoMigration>& migrations,
                        Diagnostics& out) {
  for (DjangoMigration& m : migrations) {
    if (!config.conditions.empty()) {
      decide(config.conditions, m.dependencies);
      decide(config.conditions, m.replaces);
      decide(config.conditions, m.run_before);
    }
    report_conditional(m, out);
    if (m.computed_replaces.length == 0) continue;
    const std::string key = m.app + "." + m.name;
    auto stated = config.replaces.find(key);
    if (stated == config.replaces.end()) {
      out.push_back(finding(
          m, m.computed_replaces, kComputedReplacesRule,
          "`replaces` is computed when Django imports this squash, so migline cannot read it",
          fmt::format("state it in .migline.yaml: `replaces: {{{}: [0001_initial, ...]}}` (names "
                      "of app '{}' or `app_label.name`), or `replaces: {{{}: []}}` when it "
                      "replaces none of the files present",
                      key, m.app, key)));
      continue;
    }
    for (const std::string& entry : stated->second) {
      if (auto ref = stated_reference(m.app, entry)) {
        ref->span = m.computed_replaces;
        m.replaces.push_back(std::move(*ref));
      }
    }
  }
}

}  // namespace migline
