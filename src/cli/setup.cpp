#include "cli/setup.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "cli/hook_template.hpp"
#include "cli/plural.hpp"
#include "fs/atomic_write.hpp"
#include "fs/file_io.hpp"
#include "fs/file_ops.hpp"
#include "project/manifest_files.hpp"

namespace migline::cli {
namespace {

// A hook `init` installs: its file name, its script, and what marks it as migline's.
struct HookSpec {
  std::string_view name;
  std::string_view script;
  std::string_view marker;
  std::string_view job;  // for doctor
};

constexpr HookSpec kHooks[] = {
    {"pre-commit", kPreCommitHook, "update --staged", "runs `migline update --staged`"},
    {"post-merge", kPostMergeHook, "hook post-merge",
     "runs `migline hook post-merge` (auto linearizing, arrived migrations)"},
    {"post-checkout", kPostCheckoutHook, "hook post-checkout",
     "runs `migline hook post-checkout` (rollbacks before a branch switch)"},
    {"post-rewrite", kPostRewriteHook, "hook post-rewrite",
     "runs `migline hook post-rewrite` (migrations a rebase brought)"},
};

constexpr std::string_view kChainSuffix = ".before-migline";

bool has_line(const std::string& text, const std::string& line) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string_view current(text.data() + begin, end - begin);
    while (!current.empty() && (current.back() == '\r' || current.back() == ' ')) {
      current.remove_suffix(1);
    }
    if (current == line) return true;
    begin = end + 1;
  }
  return false;
}

SetupItem attributes_item(const Context& context, const Project& project) {
  const bool single = project.config.manifest_layout == ManifestLayout::Single;
  const std::string line = single ? "/" + project.config.manifest_path + " merge=migline"
                                  : "**/migrations/max_migration.txt merge=migline";
  const std::string path = context.root() + "/.gitattributes";
  const std::string text = read_file(path).value_or("");
  SetupItem item;
  item.name = ".gitattributes";
  item.ok = has_line(text, line);
  item.state = item.ok ? "routes the manifest to the migline merge driver"
                       : "does not route the manifest to the migline merge driver";
  item.change = fmt::format("add `{}` to .gitattributes", line);
  item.apply = [path, text, line]() -> tl::expected<void, std::string> {
    std::string updated = text;
    if (!updated.empty() && updated.back() != '\n') updated += '\n';
    return write_file_atomic(path, updated + line + "\n");
  };
  return item;
}

SetupItem driver_item(const Context& context) {
  const std::vector<std::pair<std::string, std::string>> wanted = {
      {"merge.migline.name", "migline: merge the migration manifest"},
      {"merge.migline.driver", merge_driver_command()},
      {"merge.migline.recursive", "text"}};
  SetupItem item;
  item.name = "merge driver";
  item.ok = true;
  std::vector<std::string> wrong;
  for (const auto& [key, value] : wanted) {
    auto current = context.repo()->config_value(key);
    if (!current || !*current || **current != value) {
      item.ok = false;
      wrong.push_back(key);
    }
  }
  item.state = item.ok ? "configured" : fmt::format("not configured ({})", fmt::join(wrong, ", "));
  item.change = fmt::format("git config merge.migline.driver '{}' (and .name, .recursive)",
                            merge_driver_command());
  auto repo = context.repo();
  item.apply = [repo, wanted]() -> tl::expected<void, std::string> {
    for (const auto& [key, value] : wanted) {
      if (auto set = repo->set_local_config(key, value); !set) return set;
    }
    return {};
  };
  return item;
}

SetupItem hook_item(const Context& context, const std::string& dir, const HookSpec& spec) {
  const std::string hook = dir + "/" + std::string(spec.name);
  const std::string chained_name = std::string(spec.name) + std::string(kChainSuffix);
  const std::string chained = dir + "/" + chained_name;
  auto existing = read_file(hook);
  SetupItem item;
  item.name = std::string(spec.name) + " hook";
  item.ok = existing && existing->find(spec.marker) != std::string::npos;
  if (item.ok) {
    item.state = std::string(spec.job);
  } else if (existing) {
    item.state = fmt::format("another {} hook is installed", spec.name);
    item.change =
        fmt::format("keep it as {} (it still runs first) and install {}", chained_name, hook);
  } else {
    item.state = "missing";
    item.change = fmt::format("install {}", hook);
  }
  const bool chain = existing.has_value() && !item.ok;
  // A project in a sub-directory: the hook must run migline there, not at the top. The
  // binary running now is recorded for a machine where migline is not on PATH.
  auto text = hook_script(spec.script, context.prefix(), executable_path());
  if (!text) {
    item.ok = false;
    item.state = "cannot be installed: " + text.error();
    item.change = "nothing (this migline's hook template is broken; reinstall migline)";
    item.apply = [error = text.error()]() -> tl::expected<void, std::string> {
      return tl::make_unexpected(error);
    };
    return item;
  }
  item.apply = [hook, chained, chain, text = *text, dir]() -> tl::expected<void, std::string> {
    if (auto made = make_directory(dir); !made) {
      return tl::make_unexpected("cannot create " + dir + ": " + made.error());
    }
    if (chain) {
      if (is_regular_file(chained)) {
        return tl::make_unexpected(chained + " already exists; merge the two hooks by hand");
      }
      if (auto kept = rename_path(hook, chained); !kept) {
        return tl::make_unexpected("cannot keep the existing hook as " + chained + ": " +
                                   kept.error());
      }
    }
    if (auto written = write_file_atomic(hook, text); !written) return written;
    if (auto mode = set_mode(hook, 0755); !mode) {
      return tl::make_unexpected("cannot make " + hook + " executable: " + mode.error());
    }
    return {};
  };
  return item;
}

SetupItem manifest_item(const Context& context, const Project& project) {
  std::vector<ManifestFile> stale = stale_on_disk(context.root(), expected_manifests(project));
  SetupItem item;
  item.name = "manifest";
  item.ok = stale.empty();
  item.state = item.ok ? "current" : count_of(stale.size(), "file") + " missing or stale";
  item.change = fmt::format("write {} (commit it afterwards)",
                            project.config.manifest_layout == ManifestLayout::Single
                                ? project.config.manifest_path
                                : "max_migration.txt files");
  item.apply = [stale = std::move(stale),
                root = context.root()]() -> tl::expected<void, std::string> {
    if (auto written = write_manifests(root, stale); !written) {
      return tl::make_unexpected(written.error().path + ": " + written.error().message);
    }
    return {};
  };
  return item;
}

// The text of a .gitattributes without `line`; nullopt when it does not hold it.
std::optional<std::string> without_line(const std::string& text, const std::string& line) {
  if (!has_line(text, line)) return std::nullopt;
  std::string out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    end = end == std::string::npos ? text.size() : end + 1;
    if (!has_line(text.substr(begin, end - begin), line)) out += text.substr(begin, end - begin);
    begin = end;
  }
  return out;
}

SetupItem remove_attributes_item(const Context& context, const Project& project) {
  const std::string path = context.root() + "/.gitattributes";
  const std::string text = read_file(path).value_or("");
  std::optional<std::string> kept;
  for (const std::string& line : {"/" + project.config.manifest_path + " merge=migline",
                                  std::string("**/migrations/max_migration.txt merge=migline")}) {
    if (auto removed = without_line(kept.value_or(text), line)) kept = std::move(removed);
  }
  SetupItem item;
  item.name = ".gitattributes";
  item.ok = !kept;
  item.state = item.ok ? "has no migline line" : "routes the manifest to the migline merge driver";
  const bool empty = kept && kept->find_first_not_of(" \t\r\n") == std::string::npos;
  item.change = empty ? "delete .gitattributes (only migline's line was in it)"
                      : "remove the `merge=migline` line from .gitattributes";
  item.apply = [path, kept, empty]() -> tl::expected<void, std::string> {
    if (empty) {
      if (auto removed = remove_file(path); !removed) {
        return tl::make_unexpected("cannot delete " + path + ": " + removed.error());
      }
      return {};
    }
    return write_file_atomic(path, *kept);
  };
  return item;
}

SetupItem remove_driver_item(const Context& context) {
  const std::vector<std::string> keys = {"merge.migline.name", "merge.migline.driver",
                                         "merge.migline.recursive"};
  SetupItem item;
  item.name = "merge driver";
  item.ok = true;
  for (const std::string& key : keys) {
    auto current = context.repo()->config_value(key);
    if (current && *current) item.ok = false;
  }
  item.state = item.ok ? "not configured" : "configured";
  item.change = "git config --unset merge.migline.driver (and .name, .recursive)";
  auto repo = context.repo();
  item.apply = [repo, keys]() -> tl::expected<void, std::string> {
    for (const std::string& key : keys) {
      if (auto unset = repo->unset_local_config(key); !unset) return unset;
    }
    return {};
  };
  return item;
}

SetupItem remove_hook_item(const std::string& dir, const HookSpec& spec) {
  const std::string hook = dir + "/" + std::string(spec.name);
  const std::string chained = hook + std::string(kChainSuffix);
  auto existing = read_file(hook);
  const bool ours = existing && existing->find(spec.marker) != std::string::npos;
  const bool restore = ours && is_regular_file(chained);
  SetupItem item;
  item.name = std::string(spec.name) + " hook";
  item.ok = !ours;
  item.state = ours ? "installed by migline" : "not migline's";
  item.change = restore ? fmt::format("put back the earlier hook from {}", chained)
                        : fmt::format("delete {}", hook);
  item.apply = [hook, chained, restore]() -> tl::expected<void, std::string> {
    auto done = restore ? rename_path(chained, hook) : remove_file(hook).map([](bool) {});
    if (!done) {
      return tl::make_unexpected("cannot " + std::string(restore ? "restore " : "delete ") + hook +
                                 ": " + done.error());
    }
    return {};
  };
  return item;
}

// Manifest files `init` wrote that were never added to git: still exactly what migline would
// write, and not in the index.
SetupItem remove_manifest_item(const Context& context, const Project& project) {
  std::vector<std::string> paths;
  for (const ManifestFile& file : expected_manifests(project)) {
    auto staged = context.repo()->index_entry(context.repo_path(file.path));
    if (!staged || *staged) continue;
    if (read_file(context.root() + "/" + file.path) == file.content) {
      paths.push_back(context.root() + "/" + file.path);
    }
  }
  SetupItem item;
  item.name = "manifest";
  item.ok = paths.empty();
  item.state = item.ok ? "committed or absent (kept)" : "written by init, never added to git";
  item.change = fmt::format("delete {}", count_of(paths.size(), "untracked manifest file"));
  item.apply = [paths]() -> tl::expected<void, std::string> {
    for (const std::string& path : paths) {
      if (auto removed = remove_file(path); !removed) {
        return tl::make_unexpected("cannot delete " + path + ": " + removed.error());
      }
    }
    return {};
  };
  return item;
}

}  // namespace

std::string migline_binary() {
  const char* override_path = std::getenv("MIGLINE");
  if (override_path != nullptr && *override_path != '\0') return override_path;
  if (!find_executable("migline").empty()) return "migline";
  std::string running = executable_path();
  return running.empty() ? "migline" : running;
}

std::string merge_driver_command() {
  const std::string binary = migline_binary();
  // git runs the driver through the shell; a plain name needs no quotes (and keeps the
  // config as it always was).
  const bool plain = binary.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+") ==
                     std::string::npos;
  return (plain ? binary : shell_quote(binary)) + " merge-driver %O %A %B %P -l %L";
}

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

tl::expected<std::string, std::string> hook_script(std::string_view script,
                                                   const std::string& project_dir,
                                                   const std::string& init_binary) {
  std::string text(script);
  const auto set = [&text](std::string_view line, const std::string& value) -> bool {
    const std::string wanted = "\n" + std::string(line) + "\n";
    const std::size_t at = text.find(wanted);
    if (at == std::string::npos) return false;
    const std::size_t equals = at + 1 + line.find('=') + 1;
    text.replace(equals, line.size() - (equals - at - 1), value);
    return true;
  };
  if (!set("project_dir=.", project_dir.empty() ? "." : shell_quote(project_dir))) {
    return tl::make_unexpected(std::string("the hook template has no line `project_dir=.`"));
  }
  if (!set("init_binary=", init_binary.empty() ? "" : shell_quote(init_binary))) {
    return tl::make_unexpected(std::string("the hook template has no line `init_binary=`"));
  }
  return text;
}

HookBinary hook_binary(const std::string& hooks_dir) {
  const char* override_path = std::getenv("MIGLINE");
  if (override_path != nullptr && *override_path != '\0') return {override_path, "$MIGLINE"};
  if (std::string found = find_executable("migline"); !found.empty()) return {found, "PATH"};
  // What `init` wrote into the pre-commit hook: `init_binary='...'`.
  auto hook = read_file(hooks_dir + "/pre-commit");
  if (!hook) return {};
  const std::string key = "\ninit_binary='";
  const std::size_t begin = hook->find(key);
  if (begin == std::string::npos) return {};
  std::string path;
  for (std::size_t i = begin + key.size(); i < hook->size() && (*hook)[i] != '\n';) {
    if (hook->compare(i, 4, "'\\''") == 0) {
      path += '\'';
      i += 4;
    } else if ((*hook)[i] == '\'') {
      break;
    } else {
      path += (*hook)[i++];
    }
  }
  if (path.empty()) return {};
  return {path, "the binary `migline init` ran from (migline is not on PATH)"};
}

tl::expected<std::vector<SetupItem>, std::string> inspect_setup(const Context& context,
                                                                const Project& project) {
  if (!context.repo()) return tl::make_unexpected(std::string("not inside a git repository"));
  auto dir = context.repo()->hooks_dir();
  if (!dir) return tl::make_unexpected(dir.error());
  std::vector<SetupItem> out{attributes_item(context, project), driver_item(context)};
  for (const HookSpec& spec : kHooks) out.push_back(hook_item(context, *dir, spec));
  out.push_back(manifest_item(context, project));
  return out;
}

tl::expected<std::vector<SetupItem>, std::string> inspect_uninstall(const Context& context,
                                                                    const Project& project) {
  if (!context.repo()) return tl::make_unexpected(std::string("not inside a git repository"));
  auto dir = context.repo()->hooks_dir();
  if (!dir) return tl::make_unexpected(dir.error());
  std::vector<SetupItem> out{remove_attributes_item(context, project), remove_driver_item(context)};
  for (const HookSpec& spec : kHooks) out.push_back(remove_hook_item(*dir, spec));
  out.push_back(remove_manifest_item(context, project));
  return out;
}

}  // namespace migline::cli
