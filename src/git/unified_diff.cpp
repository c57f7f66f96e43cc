#include "git/unified_diff.hpp"

#include "git/git_error.hpp"

namespace migline {

std::string unified_diff(const std::string& path, const std::optional<std::string>& before,
                         std::string_view after) {
  ensure_libgit2();
  if (before && *before == after) return {};
  // libgit2 adds the a/ and b/ prefixes itself.
  git_patch* raw = nullptr;
  int rc = git_patch_from_buffers(&raw, before ? before->data() : nullptr,
                                  before ? before->size() : 0, before ? path.c_str() : nullptr,
                                  after.data(), after.size(), path.c_str(), nullptr);
  if (rc < 0) return "(no diff: " + git_error_message(rc) + ")\n";
  std::unique_ptr<git_patch, GitDeleter<git_patch_free>> patch(raw);
  git_buf buf = GIT_BUF_INIT;
  rc = git_patch_to_buf(&buf, patch.get());
  std::string out = rc < 0 ? "" : std::string(buf.ptr, buf.size);
  git_buf_dispose(&buf);
  // Drop libgit2's `diff --git` and `index` lines: only ---/+++ and hunks matter here.
  const std::size_t start = out.find("--- ");
  return start == std::string::npos ? out : out.substr(start);
}

}  // namespace migline
