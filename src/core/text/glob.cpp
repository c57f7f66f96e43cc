#include "core/text/glob.hpp"

#include <vector>

namespace migline {
namespace {

// Matches a class `[...]` starting at pattern[p] against c; sets `end` past the class.
bool match_class(std::string_view pattern, std::size_t p, char c, std::size_t& end, bool& valid) {
  std::size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    char lo = pattern[i];
    char hi = lo;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      hi = pattern[i + 2];
      i += 2;
    }
    if (c >= lo && c <= hi) matched = true;
    ++i;
  }
  valid = i < pattern.size();
  end = i + 1;
  return c != '/' && matched != negate;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  // reachable[j]: pattern prefix consumed so far can match path[0, j).
  const std::size_t n = path.size();
  std::vector<char> reachable(n + 1, 0), next(n + 1, 0);
  reachable[0] = 1;
  std::size_t p = 0;
  while (p < pattern.size()) {
    std::fill(next.begin(), next.end(), 0);
    const char c = pattern[p];
    if (c == '*' && p + 1 < pattern.size() && pattern[p + 1] == '*') {
      const bool dir = p + 2 < pattern.size() && pattern[p + 2] == '/';
      bool before = false;  // some k < j is reachable
      for (std::size_t j = 0; j <= n; ++j) {
        // `**/` matches nothing or any text ending in '/'; a bare `**` matches any text.
        next[j] = reachable[j] || (before && (!dir || path[j - 1] == '/'));
        before = before || reachable[j];
      }
      p += dir ? 3 : 2;
    } else if (c == '*') {
      bool run = false;
      for (std::size_t j = 0; j <= n; ++j) {
        run = reachable[j] || (run && j > 0 && path[j - 1] != '/');
        next[j] = run;
      }
      ++p;
    } else if (c == '[') {
      std::size_t end = p + 1;
      bool valid = true;
      for (std::size_t j = 0; j < n; ++j) {
        if (reachable[j] && match_class(pattern, p, path[j], end, valid)) next[j + 1] = 1;
      }
      match_class(pattern, p, 'a', end, valid);
      if (!valid) {  // an unclosed '[' is a literal
        std::fill(next.begin(), next.end(), 0);
        for (std::size_t j = 0; j < n; ++j) next[j + 1] = reachable[j] && path[j] == '[';
        end = p + 1;
      }
      p = end;
    } else {
      for (std::size_t j = 0; j < n; ++j) {
        if (reachable[j] && (c == '?' ? path[j] != '/' : path[j] == c)) next[j + 1] = 1;
      }
      ++p;
    }
    reachable.swap(next);
  }
  return reachable[n] != 0;
}

bool glob_match_dir_or_parent(std::string_view pattern, std::string_view path) {
  if (glob_match(pattern, path)) return true;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '/' && glob_match(pattern, path.substr(0, i))) return true;
  }
  return false;
}

}  // namespace migline
