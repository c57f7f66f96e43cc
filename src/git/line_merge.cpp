#include "git/line_merge.hpp"

#include "git/git_error.hpp"

namespace migline {

tl::expected<LineMerge, std::string> line_merge(std::string_view base, std::string_view ours,
                                                std::string_view theirs,
                                                const MergeLabels& labels) {
  ensure_libgit2();
  git_merge_file_input inputs[3];
  const std::string_view texts[3] = {base, ours, theirs};
  for (int i = 0; i < 3; ++i) {
    git_merge_file_input_init(&inputs[i], GIT_MERGE_FILE_INPUT_VERSION);
    inputs[i].ptr = texts[i].data();
    inputs[i].size = texts[i].size();
  }
  git_merge_file_options options;
  git_merge_file_options_init(&options, GIT_MERGE_FILE_OPTIONS_VERSION);
  options.ancestor_label = labels.base.c_str();
  options.our_label = labels.ours.c_str();
  options.their_label = labels.theirs.c_str();
  options.marker_size = static_cast<unsigned short>(labels.marker_size);
  git_merge_file_result result{};
  int rc = git_merge_file(&result, &inputs[0], &inputs[1], &inputs[2], &options);
  if (rc < 0) return tl::make_unexpected(git_error_message(rc));
  LineMerge merged{std::string(result.ptr, result.len), result.automergeable != 0};
  git_merge_file_result_free(&result);
  return merged;
}

}  // namespace migline
