#include "core/text/repo_path.hpp"

namespace migline {

std::string_view path_basename(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view path_dirname(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string join_path(std::string_view dir, std::string_view rest) {
  std::string out;
  if (dir.empty()) return std::string(rest);
  out.reserve(dir.size() + 1 + rest.size());
  out.append(dir).append(1, '/').append(rest);
  return out;
}

}  // namespace migline
