#include "project/manifest_files.hpp"

namespace migline {

LeafMap leaf_map(const Project& project) {
  LeafMap out;
  for (const std::string& app : project.graph.apps()) {
    std::vector<std::string>& names = out[app];
    for (int id : project.graph.leaves(app)) {
      names.push_back(project.graph.nodes()[static_cast<std::size_t>(id)].name);
    }
  }
  return out;
}

std::vector<ManifestFile> expected_manifests(const Project& project) {
  const LeafMap leaves = leaf_map(project);
  if (project.config.manifest_layout == ManifestLayout::Single) {
    const std::string& path = project.config.manifest_path;
    const std::size_t slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return {ManifestFile{path, render_manifest(name, leaves)}};
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

}  // namespace migline
