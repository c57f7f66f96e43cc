#pragma once

#include <memory>
#include <string>

#include <git2.h>

namespace migline {

// Frees a libgit2 handle with its own free function.
template <auto Free>
struct GitDeleter {
  template <typename T>
  void operator()(T* handle) const {
    Free(handle);
  }
};

using GitRepositoryPtr = std::unique_ptr<git_repository, GitDeleter<git_repository_free>>;
using GitIndexPtr = std::unique_ptr<git_index, GitDeleter<git_index_free>>;
using GitObjectPtr = std::unique_ptr<git_object, GitDeleter<git_object_free>>;
using GitTreePtr = std::unique_ptr<git_tree, GitDeleter<git_tree_free>>;
using GitBlobPtr = std::unique_ptr<git_blob, GitDeleter<git_blob_free>>;
using GitDiffPtr = std::unique_ptr<git_diff, GitDeleter<git_diff_free>>;
using GitStatusListPtr = std::unique_ptr<git_status_list, GitDeleter<git_status_list_free>>;

// Describes the last libgit2 error; libgit2 1.5 may have none recorded, so `code` is kept.
std::string git_error_message(int code);

// Initializes libgit2 once per process.
void ensure_libgit2();

}  // namespace migline
