#include "cli/setup.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/hook_template.hpp"
#include "fs/atomic_write.hpp"
#include "fs/file_io.hpp"
#include "project/manifest_files.hpp"

namespace migline::cli {
namespace {

constexpr std::string_view kHookMarker = "update --staged";
constexpr std::string_view kChainedHook = "pre-commit.before-migline";

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

tl::expected<SetupItem, std::string> hook_item(const Context& context) {
  auto dir = context.repo()->hooks_dir();
  if (!dir) return tl::make_unexpected(dir.error());
  const std::string hook = *dir + "/pre-commit";
  const std::string chained = *dir + "/" + std::string(kChainedHook);
  auto existing = read_file(hook);
  SetupItem item;
  item.name = "pre-commit hook";
  item.ok = existing && existing->find(kHookMarker) != std::string::npos;
  if (item.ok) {
    item.state = "runs `migline update --staged`";
  } else if (existing) {
    item.state = "another pre-commit hook is installed";
    item.change =
        fmt::format("keep it as {} (it still runs first) and install {}", kChainedHook, hook);
  } else {
    item.state = "missing";
    item.change = fmt::format("install {}", hook);
  }
  const bool chain = existing.has_value() && !item.ok;
  // A project in a sub-directory: the hook must run migline there, not at the top.
  std::string text(kPreCommitHook);
  if (!context.prefix().empty()) {
    const std::string line = "\nproject_dir=.\n";
    text.replace(text.find(line), line.size(),
                 fmt::format("\nproject_dir='{}'\n", context.prefix()));
  }
  item.apply = [hook, chained, chain, text, dir = *dir]() -> tl::expected<void, std::string> {
    ::mkdir(dir.c_str(), 0755);
    if (chain) {
      if (is_regular_file(chained)) {
        return tl::make_unexpected(chained + " already exists; merge the two hooks by hand");
      }
      if (std::rename(hook.c_str(), chained.c_str()) != 0) {
        return tl::make_unexpected("cannot keep the existing hook as " + chained);
      }
    }
    if (auto written = write_file_atomic(hook, text); !written) return written;
    if (::chmod(hook.c_str(), 0755) != 0) return tl::make_unexpected("cannot make it executable");
    return {};
  };
  return item;
}

SetupItem manifest_item(const Context& context, const Project& project) {
  std::vector<ManifestFile> stale = stale_on_disk(context.root(), expected_manifests(project));
  SetupItem item;
  item.name = "manifest";
  item.ok = stale.empty();
  item.state = item.ok ? "current" : fmt::format("{} file(s) missing or stale", stale.size());
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

}  // namespace

std::string migline_binary() {
  const char* override_path = std::getenv("MIGLINE");
  return override_path != nullptr && *override_path != '\0' ? override_path : "migline";
}

std::string merge_driver_command() {
  return migline_binary() + " merge-driver %O %A %B %P -l %L";
}

tl::expected<std::vector<SetupItem>, std::string> inspect_setup(const Context& context,
                                                                const Project& project) {
  if (!context.repo()) return tl::make_unexpected(std::string("not inside a git repository"));
  auto hook = hook_item(context);
  if (!hook) return tl::make_unexpected(hook.error());
  return std::vector<SetupItem>{attributes_item(context, project), driver_item(context),
                                std::move(*hook), manifest_item(context, project)};
}

}  // namespace migline::cli
