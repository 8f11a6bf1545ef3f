// Expands the PATH arguments of a subcommand into config files.
#pragma once

#include <string>
#include <vector>

namespace netaudit::cli {

struct InputFiles {
  std::vector<std::string> files;   // sorted within each directory, in argument order
  std::vector<std::string> errors;  // "PATH: no such file or directory"
};

// Files are taken as given; directories are walked recursively, skipping hidden entries.
InputFiles expand_input_paths(const std::vector<std::string>& paths);

}  // namespace netaudit::cli
