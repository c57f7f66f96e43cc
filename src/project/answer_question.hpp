#pragma once

#include <optional>
#include <string>
#include <vector>

#include "git/repository.hpp"

namespace migline {

// What a read-only command reads besides the files the answer cache watches.
struct AnswerInputs {
  std::vector<std::string> revs;  // revisions it reads, each named by its commit
  bool index = true;              // reads the index (named by its checksum)
  bool worktree = false;          // reads the work tree (git's ignore settings are named)
};

// The question an answer is stored under: `command_line`, then every input of `inputs` named
// by content. std::nullopt when one cannot be named (a revision that does not resolve, an
// unreadable index or config): the command then runs uncached. With `worktree`, `excludes`
// receives the ignore file git reads besides .gitignore.
std::optional<std::string> answer_question(const GitRepository& repo,
                                           const std::string& command_line,
                                           const AnswerInputs& inputs, std::string& excludes);

// The file git reads ignore patterns from besides .gitignore: core.excludesFile (`configured`,
// with `~/` meaning the home directory), else $XDG_CONFIG_HOME/git/ignore or
// ~/.config/git/ignore.
std::string excludes_file(const std::optional<std::string>& configured);

}  // namespace migline
