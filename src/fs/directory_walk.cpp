#include "fs/directory_walk.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace migline {

tl::expected<std::vector<std::string>, std::string> walk_directory(
    const std::string& root, const std::function<bool(std::string_view)>& skip_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  if (ec) return tl::make_unexpected(root + ": " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) return tl::make_unexpected(it->path().string() + ": " + ec.message());
    const fs::directory_entry& entry = *it;
    std::string relative = entry.path().lexically_relative(root).generic_string();
    fs::file_status status = entry.symlink_status(ec);
    if (ec) continue;
    if (fs::is_directory(status)) {
      if (skip_dir(relative)) it.disable_recursion_pending();
    } else if (fs::is_regular_file(status) || fs::is_symlink(status)) {
      // Symlinks are listed, never followed: reading one says what it is.
      out.push_back(std::move(relative));
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace migline
