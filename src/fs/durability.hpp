#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace migline {

// Flushes to stable storage everything written so far on each filesystem holding one of
// `paths` (syncfs(2), once per filesystem): data, inodes and directory entries alike. The
// error names the path and the cause.
tl::expected<void, std::string> sync_filesystems(const std::vector<std::string>& paths);

// fsyncs each of `files` that exists, then each of `directories`; the error names the path.
tl::expected<void, std::string> sync_files(const std::vector<std::string>& files,
                                           const std::vector<std::string>& directories);

// fsyncs the directory `path`, so that entries created, renamed or removed in it persist.
tl::expected<void, std::string> sync_directory(const std::string& path);

// Marks the end of one durable step of a journaled write (`what`, e.g. "write x.py"), for the
// fault-injection tests: MIGLINE_TEST_STEP_LOG=FILE appends a line per step, and
// MIGLINE_TEST_KILL_AFTER_WRITES=K raises SIGKILL on this process after the K-th step.
void durable_step(std::string_view what);

}  // namespace migline
