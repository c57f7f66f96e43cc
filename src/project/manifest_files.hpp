#pragma once

#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "core/manifest/manifest.hpp"
#include "core/text/diagnostic.hpp"
#include "project/project_loader.hpp"

namespace migline {

// One manifest file: its path relative to the project root and its contents.
struct ManifestFile {
  std::string path;
  std::string content;
};

// Each app's leaves, as the manifest records them.
LeafMap leaf_map(const Project& project);

// The manifest files `project` should have in its configured layout: one
// `migrations.lock.yaml`, or a `max_migration.txt` in every package with migrations.
std::vector<ManifestFile> expected_manifests(const Project& project);

// The files of `files` whose copy under `root` is missing or differs.
std::vector<ManifestFile> stale_on_disk(const std::string& root,
                                        const std::vector<ManifestFile>& files);

// Writes each file under `root` atomically; the error names the file.
tl::expected<void, Diagnostic> write_manifests(const std::string& root,
                                               const std::vector<ManifestFile>& files);

}  // namespace migline
