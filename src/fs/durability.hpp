#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace migline {

// fsync(2) of an open file or directory, made durable across a power cut: F_FULLFSYNC where
// the system has it (macOS), falling back to fsync where the file system refuses it. Returns
// what fsync returns (0, or -1 with errno set).
int sync_descriptor(int fd);

// True where sync_filesystems() flushes whole file systems (syncfs(2), Linux). Elsewhere it
// syncs only the paths it is given, so a caller must list every file and directory it wrote.
bool can_sync_filesystems();

// Flushes to stable storage everything written so far on each filesystem holding one of
// `paths` (syncfs(2), once per filesystem): data, inodes and directory entries alike. Without
// syncfs, an fsync of each path. The error names the path and the cause.
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
