#include "project/manifest_files.hpp"

#include "core/text/repo_path.hpp"
#include "fs/atomic_write.hpp"
#include "fs/file_io.hpp"

namespace migline {

LeafMap leaf_map(const Project& project) {
  LeafMap out;
  for (const std::string& app : project.graph.apps()) {
    std::vector<std::string>& names = out[app];
    for (int id : project.graph.leaves(app)) {
      names.push_back(project.graph.nodes()[static_cast<std::size_t>(id)].name);
    }
  }
  for (const AlembicHistory& h : project.alembic) {
    if (h.heads.empty()) continue;
    out[alembic_manifest_key(h.location)] = h.manifest_heads();
  }
  return out;
}

std::vector<ManifestFile> expected_manifests(const Project& project) {
  const LeafMap leaves = leaf_map(project);
  if (project.config.manifest_layout == ManifestLayout::Single) {
    const std::string& path = project.config.manifest_path;
    return {ManifestFile{path, render_manifest(path_basename(path), leaves)}};
  }
  std::vector<ManifestFile> out;
  for (const MigrationPackage& package : project.packages) {
    auto it = leaves.find(package.label);
    if (it == leaves.end()) continue;
    const std::string dir =
        package.app_dir.empty() ? "migrations" : package.app_dir + "/migrations";
    out.push_back(ManifestFile{dir + "/max_migration.txt", render_max_migration(it->second)});
  }
  return out;
}

std::vector<ManifestFile> stale_on_disk(const std::string& root,
                                        const std::vector<ManifestFile>& files) {
  std::vector<ManifestFile> stale;
  for (const ManifestFile& file : files) {
    auto current = read_file(root + "/" + file.path);
    if (!current || *current != file.content) stale.push_back(file);
  }
  return stale;
}

tl::expected<void, Diagnostic> write_manifests(const std::string& root,
                                               const std::vector<ManifestFile>& files) {
  for (const ManifestFile& file : files) {
    if (auto written = write_file_atomic(root + "/" + file.path, file.content); !written) {
      return tl::make_unexpected(file_error(file.path, "cannot write: " + written.error()));
    }
  }
  return {};
}

}  // namespace migline
