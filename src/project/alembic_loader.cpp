#include "project/alembic_loader.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "core/alembic/alembic_revision.hpp"
#include "project/on_threads.hpp"

namespace migline {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string dir_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

std::string join(std::string_view dir, std::string_view rest) {
  if (dir.empty()) return std::string(rest);
  if (rest.empty()) return std::string(dir);
  return std::string(dir) + "/" + std::string(rest);
}

// A path from a config file made relative to the project root: `%(here)s` already replaced
// by the file's directory (relative), `./` and `a/../` folded; empty when it leaves the root.
std::string normalize(std::string_view path, std::string_view base) {
  std::string full = path.rfind('/', 0) == 0 ? std::string(path.substr(1)) : join(base, path);
  std::vector<std::string> parts;
  std::size_t at = 0;
  while (at <= full.size()) {
    std::size_t end = full.find('/', at);
    if (end == std::string::npos) end = full.size();
    std::string part = full.substr(at, end - at);
    if (part == "..") {
      if (parts.empty()) return "\x01";  // outside the root
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(std::move(part));
    }
    at = end + 1;
  }
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string interpolate(std::string_view value, std::string_view here) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.compare(i, 8, "%(here)s") == 0) {
      out += here.empty() ? "." : std::string(here);
      i += 7;
    } else if (value.compare(i, 2, "%%") == 0) {
      out += '%';
      ++i;
    } else {
      out += value[i];
    }
  }
  return out;
}

// Alembic's split of version_locations: by path_separator (or version_path_separator) when
// set, else its legacy rule, spaces or commas.
std::vector<std::string> split_locations(const std::map<std::string, std::string>& options) {
  auto value = options.find("version_locations");
  if (value == options.end()) return {};
  auto sep = options.find("path_separator");
  if (sep == options.end()) sep = options.find("version_path_separator");
  std::string separators = " ,";
  if (sep != options.end()) {
    if (sep->second == "space") separators = " ";
    if (sep->second == "os" || sep->second == ":") separators = ":";
    if (sep->second == ";") separators = ";";
    if (sep->second == "newline") separators = "\n";
  }
  std::vector<std::string> out;
  std::string current;
  for (char c : value->second) {
    if (separators.find(c) != std::string::npos || c == '\n') {
      if (!trim(current).empty()) out.emplace_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!trim(current).empty()) out.emplace_back(trim(current));
  return out;
}

std::string file_name(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// A location from a config file's options; nullopt when it names no directory of the root
// (a `package:path` resource, a path outside the root).
std::optional<AlembicLocation> location_from_options(const std::map<std::string, std::string>& o,
                                                     std::string_view here, std::string origin) {
  auto script = o.find("script_location");
  if (script == o.end()) return std::nullopt;
  const std::string value = std::string(trim(script->second));
  if (value.find(':') != std::string::npos && value.find('/') == std::string::npos) {
    return std::nullopt;  // `package:path`: a resource of an installed package
  }
  AlembicLocation loc;
  loc.script_location = normalize(value, here);
  if (loc.script_location == "\x01") return std::nullopt;
  for (const std::string& v : split_locations(o)) {
    std::string path = normalize(v, here);
    if (path != "\x01") loc.version_locations.push_back(std::move(path));
  }
  auto recursive = o.find("recursive_version_locations");
  loc.recursive =
      recursive != o.end() && (recursive->second == "true" || recursive->second == "True");
  loc.origin = std::move(origin);
  return loc;
}

}  // namespace

std::map<std::string, std::string> read_alembic_ini(std::string_view text, std::string_view here) {
  std::map<std::string, std::string> out;
  bool in_alembic = false;
  std::string last_key;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(at, end - at);
    at = end + 1;
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if ((raw.front() == ' ' || raw.front() == '\t') && in_alembic && !last_key.empty()) {
      out[last_key] += "\n" + interpolate(line, here);  // a continuation line
      continue;
    }
    if (line.front() == '[') {
      in_alembic = line == "[alembic]";
      last_key.clear();
      continue;
    }
    if (!in_alembic) continue;
    const std::size_t eq = line.find_first_of("=:");
    if (eq == std::string_view::npos) continue;
    std::string key(trim(line.substr(0, eq)));
    std::transform(key.begin(), key.end(), key.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    out[key] = interpolate(trim(line.substr(eq + 1)), here);
    last_key = std::move(key);
  }
  return out;
}

std::map<std::string, std::string> read_pyproject_alembic(std::string_view text,
                                                          std::string_view here) {
  std::map<std::string, std::string> out;
  bool in_table = false;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(at, end - at));
    at = end + 1;
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      in_table = line == "[tool.alembic]";
      continue;
    }
    if (!in_table) continue;
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key(trim(line.substr(0, eq)));
    std::string_view value = trim(line.substr(eq + 1));
    std::string joined;
    // A string, or a one-line list of strings; each string in double or single quotes.
    std::size_t i = 0;
    while (i < value.size()) {
      const char q = value[i];
      if (q != '"' && q != '\'') {
        if (value[i] == '#') break;
        ++i;
        continue;
      }
      const std::size_t close = value.find(q, i + 1);
      if (close == std::string_view::npos) break;
      joined += (joined.empty() ? "" : " ") + interpolate(value.substr(i + 1, close - i - 1), here);
      i = close + 1;
    }
    if (value == "true" || value == "false") joined = std::string(value);
    out[key] = joined;
  }
  if (out.count("version_locations") && !out.count("path_separator")) {
    out["path_separator"] = "space";
  }
  return out;
}

std::vector<AlembicLocation> find_alembic_locations(const FileSource& source,
                                                    const Config& config) {
  std::map<std::string, AlembicLocation> by_location;
  for (const AlembicHistoryConfig& h : config.alembic.histories) {
    AlembicLocation loc;
    loc.script_location = normalize(h.script_location, "");
    for (const std::string& v : h.version_locations)
      loc.version_locations.push_back(normalize(v, ""));
    loc.recursive = h.recursive;
    loc.origin = std::string(kConfigFileName);
    by_location.emplace(loc.script_location, std::move(loc));
  }
  const std::vector<std::string>& paths = source.paths();
  for (const std::string& path : paths) {
    const std::string name = file_name(path);
    std::map<std::string, std::string> options;
    const std::string here = dir_of(path);
    if (name == "alembic.ini") {
      auto text = source.read(path);
      if (!text) continue;
      options = read_alembic_ini(*text, here);
    } else if (name == "pyproject.toml") {
      auto text = source.read(path);
      if (!text) continue;
      options = read_pyproject_alembic(*text, here);
    } else {
      continue;
    }
    if (auto loc = location_from_options(options, here, path)) {
      by_location.emplace(loc->script_location, std::move(*loc));
    }
  }
  // Every other directory with env.py and revisions in versions/.
  for (const std::string& path : paths) {
    if (file_name(path) != "env.py") continue;
    const std::string dir = dir_of(path);
    if (by_location.count(dir)) continue;
    const std::string versions = join(dir, "versions") + "/";
    auto it = std::lower_bound(paths.begin(), paths.end(), versions);
    bool has_revisions = false;
    for (; it != paths.end() && it->compare(0, versions.size(), versions) == 0; ++it) {
      const std::string_view rest = std::string_view(*it).substr(versions.size());
      if (rest.find('/') == std::string_view::npos && is_alembic_revision_file(rest)) {
        has_revisions = true;
        break;
      }
    }
    if (!has_revisions) continue;
    AlembicLocation loc;
    loc.script_location = dir;
    loc.origin = "env.py";
    by_location.emplace(dir, std::move(loc));
  }
  std::vector<AlembicLocation> out;
  for (auto& [dir, loc] : by_location) {
    if (loc.version_locations.empty()) loc.version_locations.push_back(join(dir, "versions"));
    out.push_back(std::move(loc));
  }
  return out;
}

namespace {

// One revision file read: the revision, or its diagnostics and the id it still states.
struct ReadRevision {
  tl::expected<AlembicRevision, Diagnostics> revision;
  std::optional<std::string> id;
};

// Reads and parses `paths`, handing each result to `take` in order. The parsing runs on every
// core (at most 8, at least 64 files each); the files are read there too when the source
// allows it, else first, on this thread (libgit2's objects).
tl::expected<void, Diagnostic> read_revisions(const FileSource& source,
                                              const std::vector<std::string>& paths,
                                              const AlembicConstants& constants,
                                              const std::function<void(ReadRevision&&)>& take) {
  constexpr std::size_t kPerThread = 64;
  // Texts read ahead on this thread are parsed a batch at a time, so that no more than a
  // batch of them is held at once.
  constexpr std::size_t kBatch = 4096;
  const bool concurrent = source.reads_concurrently();
  std::vector<ReadRevision> out(paths.size(), ReadRevision{tl::make_unexpected(Diagnostics{}), {}});
  std::vector<tl::expected<std::string, std::string>> texts;
  for (std::size_t begin = 0; begin < paths.size(); begin += kBatch) {
    const std::size_t count = std::min(kBatch, paths.size() - begin);
    const std::size_t threads = std::clamp<std::size_t>(
        std::min<std::size_t>(count / kPerThread, std::thread::hardware_concurrency()), 1, 8);
    texts.assign(count, std::string());
    out.assign(count, ReadRevision{tl::make_unexpected(Diagnostics{}), {}});
    if (!concurrent) {
      for (std::size_t k = 0; k < count; ++k) texts[k] = source.read(paths[begin + k]);
    }
    on_threads(count, threads, [&](std::size_t k) {
      const std::string& path = paths[begin + k];
      if (concurrent) texts[k] = source.read(path);
      if (!texts[k]) return;
      out[k].revision = read_alembic_revision(path, *texts[k], constants);
      if (!out[k].revision) out[k].id = unreadable_revision_id(path, *texts[k]);
    });
    for (std::size_t k = 0; k < count; ++k) {
      if (!texts[k]) {
        return tl::make_unexpected(
            file_error(paths[begin + k], "cannot read: " + texts[k].error()));
      }
      take(std::move(out[k]));
    }
  }
  return {};
}

}  // namespace

tl::expected<std::vector<AlembicHistory>, Diagnostic> load_alembic_histories(
    const FileSource& source, const Config& config, Diagnostics& diagnostics) {
  std::vector<AlembicHistory> out;
  const std::vector<std::string>& paths = source.paths();
  for (const AlembicLocation& loc : find_alembic_locations(source, config)) {
    std::set<std::string> files;
    for (const std::string& vdir : loc.version_locations) {
      const std::string prefix = vdir.empty() ? std::string() : vdir + "/";
      auto it = std::lower_bound(paths.begin(), paths.end(), prefix);
      for (; it != paths.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
        const std::string_view rest = std::string_view(*it).substr(prefix.size());
        if (!loc.recursive && rest.find('/') != std::string_view::npos) continue;
        if (rest.find("__pycache__") != std::string_view::npos) continue;
        if (!is_alembic_revision_file(file_name(rest))) continue;
        files.insert(*it);
      }
    }
    // A location named by a config file that holds neither env.py nor a revision here is
    // not this repository's history (e.g. an ini for a deployment elsewhere).
    if (files.empty() &&
        !std::binary_search(paths.begin(), paths.end(),
                            loc.script_location.empty() ? std::string("env.py")
                                                        : loc.script_location + "/env.py")) {
      continue;
    }
    std::vector<AlembicRevision> revisions;
    std::vector<std::string> unreadable;
    revisions.reserve(files.size());
    auto read = read_revisions(source, std::vector<std::string>(files.begin(), files.end()),
                               config.alembic.constants, [&](ReadRevision&& r) {
                                 if (r.revision) {
                                   revisions.push_back(std::move(*r.revision));
                                   return;
                                 }
                                 for (Diagnostic& d : r.revision.error()) {
                                   if (d.rule.empty()) d.rule = "parse-error";
                                   diagnostics.push_back(std::move(d));
                                 }
                                 if (r.id) unreadable.push_back(std::move(*r.id));
                               });
    if (!read) return tl::make_unexpected(read.error());
    out.push_back(build_alembic_history(loc.script_location.empty() ? "." : loc.script_location,
                                        std::move(revisions), diagnostics, unreadable));
  }
  return out;
}

}  // namespace migline
