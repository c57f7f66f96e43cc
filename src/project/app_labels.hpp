#pragma once

#include <string>

#include <tl/expected.hpp>

#include "core/text/diagnostic.hpp"
#include "project/config.hpp"
#include "project/file_source.hpp"
#include "project/project_loader.hpp"

namespace migline {

// Sets the package's label: from the config, else its apps.py, else its directory. False
// when it cannot be told (the cause is in `diagnostics`); the error when apps.py cannot be
// read.
tl::expected<bool, Diagnostic> find_label(const FileSource& source, const Config& config,
                                          MigrationPackage& package, Diagnostics& diagnostics);

// The finding for the package in `second` taking the label `label` that the package in
// `first` has already, with a hint naming a label that says where it lives.
Diagnostic duplicate_label(const std::string& label, const std::string& first,
                           const std::string& second);

}  // namespace migline
