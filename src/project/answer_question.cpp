#include "project/answer_question.hpp"

#include <cstdlib>

#include <fmt/format.h>

namespace migline {

std::optional<std::string> answer_question(const GitRepository& repo,
                                           const std::string& command_line,
                                           const AnswerInputs& inputs, std::string& excludes) {
  std::string question = command_line;
  for (const std::string& rev : inputs.revs) {
    auto id = repo.commit_id(rev);
    if (!id) return std::nullopt;
    question += fmt::format("rev {} {}\n", rev, *id);
  }
  if (inputs.index) {
    auto checksum = repo.index_checksum();
    if (!checksum) return std::nullopt;
    question += fmt::format("index {}\n", *checksum);
  }
  if (inputs.worktree) {
    auto configured = repo.config_value("core.excludesFile");
    auto ignore_case = repo.config_value("core.ignoreCase");
    if (!configured || !ignore_case) return std::nullopt;
    excludes = excludes_file(*configured);
    question += fmt::format("excludes {}\nignorecase {}\n", excludes, ignore_case->value_or(""));
  }
  return question;
}

std::string excludes_file(const std::optional<std::string>& configured) {
  const char* home = std::getenv("HOME");
  const std::string home_dir = home != nullptr ? home : "";
  if (configured && !configured->empty()) {
    return configured->rfind("~/", 0) == 0 ? home_dir + configured->substr(1) : *configured;
  }
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  return xdg != nullptr && *xdg != '\0' ? fmt::format("{}/git/ignore", xdg)
                                        : home_dir + "/.config/git/ignore";
}

}  // namespace migline
