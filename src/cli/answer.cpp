#include <time.h>

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/output.hpp"
#include "fs/file_io.hpp"
#include "project/answer_cache.hpp"
#include "project/answer_question.hpp"
#include "project/config.hpp"

extern char** environ;

namespace migline::cli {
namespace {

void trace(std::string_view what) {
  const char* enabled = std::getenv("MIGLINE_TRACE");
  if (enabled != nullptr && *enabled != '\0') fmt::print(stderr, "migline: trace: {}\n", what);
}

// What names the answer's file: everything about the command that stays the same from one
// run to the next. The environment counts whole: git reads GIT_*, HOME and XDG_CONFIG_HOME.
// The variables that name the repository count as migline resolved them at start-up.
std::string command_line(const GlobalOptions& global, const Context& context) {
  std::string out = fmt::format("migline {}\n{}\ncolor {:d}{:d}\n", MIGLINE_VERSION, context.root(),
                                context.color_stdout(), context.color_stderr());
  for (const std::string& arg : global.args) out += fmt::format("arg {}\n", arg);
  const GitEnvironment& git = global.git_environment;
  const std::string resolved[] = {"GIT_DIR=" + git.git_dir, "GIT_WORK_TREE=" + git.work_tree,
                                  "GIT_INDEX_FILE=" + git.index_file};
  std::vector<std::string_view> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view var = *e;
    for (const std::string& value : resolved) {
      const std::string_view name = std::string_view(value).substr(0, value.find('=') + 1);
      if (var.rfind(name, 0) == 0 && value.size() > name.size()) var = value;
    }
    if (var.rfind("GIT_", 0) == 0 || var.rfind("HOME=", 0) == 0 ||
        var.rfind("XDG_CONFIG_HOME=", 0) == 0) {
      env.push_back(var);
    }
  }
  std::sort(env.begin(), env.end());
  for (std::string_view var : env) out += fmt::format("env {}\n", var);
  return out;
}

// The manifest path the project's config names; nullopt when the config cannot be read.
std::optional<std::string> manifest_path(const Context& context) {
  auto config =
      read_config_file(fmt::format("{}/{}", context.root(), kConfigFileName), kConfigFileName);
  if (!config) return std::nullopt;
  return config->value_or(Config{}).manifest_path;
}

}  // namespace

int run_answer_cached(const GlobalOptions& global, const SourceOptions& source,
                      const std::vector<std::string>& revs, const std::function<int()>& command) {
  const char* disabled = std::getenv("MIGLINE_NO_ANSWER_CACHE");
  if (disabled != nullptr && *disabled != '\0') return command();
  timespec started{};
  ::clock_gettime(CLOCK_REALTIME, &started);
  auto context = Context::open(global);
  if (!context || !context->repo()) return command();
  const GitRepository& repo = *context->repo();
  const bool worktree = !source.staged && source.rev.empty();

  const std::string line = command_line(global, *context);
  std::string excludes;
  // Every input named by content; any that cannot be named leaves the command uncached.
  AnswerInputs inputs{revs, source.rev.empty(), worktree};
  if (!source.rev.empty()) inputs.revs.push_back(source.rev);
  auto question_now = [&] { return answer_question(repo, line, inputs, excludes); };
  const std::optional<std::string> question = question_now();
  if (!question) return command();

  const AnswerCache cache(repo.common_dir() + "/migline/answers");
  if (auto answer = cache.find(line, *question)) {
    trace("answer cache hit");
    for (const OutputChunk& chunk : answer->output) {
      (chunk.to_stderr ? print_err : print_out)(chunk.text);
    }
    return answer->status;
  }
  trace("answer cache miss");
  OutputRecording recording;
  const int status = command();
  // A failure (status 2) may be passing: an unreadable file, a full disk.
  if (status != kExitOk && status != kExitFindings) return status;
  // A ref moved or the index was written while the command ran: its answer may be to
  // either, so it is not recorded.
  if (question_now() != question) {
    trace("answer cache not stored: an input changed during the run");
    return status;
  }
  std::vector<std::string> watched;
  if (worktree) {
    auto manifest = manifest_path(*context);
    if (!manifest) return status;
    watched = worktree_watch_paths(repo, context->prefix(), excludes, *manifest);
  }
  const std::string why_not =
      cache.store(line, *question, std::move(watched), Answer{recording.take(), status}, started);
  trace(why_not.empty() ? "answer cache stored" : "answer cache not stored: " + why_not);
  return status;
}

}  // namespace migline::cli
