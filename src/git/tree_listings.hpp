#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "git/repository.hpp"

namespace migline {

// The listings of trees already read, shared by the copies of one GitRepository: a tree is
// listed once however many revisions name it.
struct GitRepository::TreeListings {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const std::vector<GitFile>>> by_tree;  // raw id bytes
};

}  // namespace migline
